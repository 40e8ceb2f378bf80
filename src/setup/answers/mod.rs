//! Setup answers: what each provider asks (`setup.yaml` and its secret requirements, read into
//! qa-spec's form model), what the user gave (`--answers`, stored answers, the secrets store,
//! the project's public URL, a prompt), their merge, and the check against the provider's rules.

mod check;
mod fetch;
mod file;
mod form;
mod ignored;
mod merge;
mod merged;
mod prompt;
mod read_keys;
mod requirements;
mod setup_form;
mod status;
mod stored;

pub use check::{Broken, check, check_one, coerce, form_spec, same_answer, visibility};
pub use fetch::{FetchError, MAX_ANSWERS_BYTES, is_url, redacted, shown_source};
pub use file::{AnswersFile, AnswersFileError, load_answers_file};
pub use form::{SetupSpecError, looks_secret, parse_setup_spec, provider_question};
pub use ignored::IgnoredKey;
pub use merge::{AnswerLayers, merge};
pub use merged::{MergedAnswers, value_text};
pub use prompt::{prompt_all_from_current, prompt_until_valid};
pub use read_keys::{ReadKey, device_code_keys};
pub use requirements::{RequirementsError, covers, secret_requirements};
pub use setup_form::{FormError, Question, SetupForm};
pub use status::{AnswerChange, AnswerSource, AnswerStatus};
pub use stored::{StoredAnswersError, load_stored, save_stored, save_stored_without};

/// The question id `public_base_url` the project answers for every provider that asks it.
pub const PUBLIC_BASE_URL: &str = "public_base_url";
