//! The integration tests: one binary, a module per concern, driving the real operator binary
//! on real packs run by the real runner.

mod support;

mod smoke;
