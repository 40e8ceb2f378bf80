//! The integration tests: one binary, a module per concern, driving the real operator binary
//! on real packs run by the real runner (no mock of the runner anywhere).

mod support;

mod all_domains;
mod answers_file;
mod bench_packs;
mod cache;
mod completions;
mod concurrency;
mod contract;
mod demo;
mod device_code;
mod doctor;
mod doctor_judgement;
mod documents;
mod events_2026;
mod fixes;
mod flags;
mod history;
mod hostile;
mod interrupt;
mod layers;
mod limits;
mod output;
mod plan;
mod published_packs;
mod questions;
mod read_keys;
mod redaction;
mod remove;
mod requirements;
mod run;
mod secrets;
mod setup_answers;
mod steps;
mod update;
mod update_contract;
mod usage;
mod visibility;
