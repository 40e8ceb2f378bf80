//! Where a flow runs: the scheduler and its limits ([`schedule`], [`watch`]), the one real
//! runner ([`execute`]) over greentic-runner-desktop ([`runner_exec`], its environment in
//! [`runner_env`]), the flow's input ([`input`]), its verdict ([`outcome`]), the private
//! scratch folder ([`scratch`]), redaction ([`redact`]), and the event stream every reporter
//! renders ([`events`]).
//!
//! May use `base`, `pack`, `state` and `setup::keep` (a passing setup's answers are kept
//! where the flow ends).

pub mod events;
pub mod execute;
pub mod input;
pub mod outcome;
pub mod redact;
pub mod runner_env;
pub mod runner_exec;
pub mod schedule;
pub mod scratch;
pub mod watch;
