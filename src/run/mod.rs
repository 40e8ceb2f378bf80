//! Where a flow runs: the scheduler and its limits ([`schedule`], `base::watch`), the one real
//! runner ([`execute`]) over greentic-runner-desktop ([`runner_exec`], its environment in
//! [`runner_env`]), the flow's input ([`input`]), its verdict ([`outcome`]), its run folder
//! ([`records`]), the private scratch folder ([`scratch`]), the device-code logins over a
//! plan after its flows ([`logins`]), `dev remove`'s deletions after its flows ([`removals`]),
//! and the event stream every reporter renders
//! ([`events`]).
//!
//! May use `base`, `pack`, `state`, `setup` (a passing setup's answers are kept where the flow
//! ends), `plan` and `cli`'s `Request` (the first event names it).

pub mod events;
pub mod execute;
pub mod input;
pub mod logins;
pub mod outcome;
pub mod records;
pub mod removal_record;
pub mod removals;
pub mod runner_env;
pub mod runner_exec;
pub mod schedule;
pub mod scratch;
pub mod warmup;
