//! The plan as text: a header, a table of every pack's flows, then each pack's answers, secrets
//! and device-code login.

use super::style::{Styles, paint};
use super::table::render_table;
use crate::cli::request::Request;
use crate::pack::domains::Domains;
use crate::pack::manifest::{APPLY_ANSWERS_OP, DEVICE_CODE_EXTENSION};
use crate::plan::{ContractReport, Disposition, LoginState, Plan, PlannedPack, SecretPresence};
use crate::setup::answers::PUBLIC_BASE_URL;
use crate::setup::answers::{AnswerStatus, Broken};
use crate::setup::contract::apply::ContractVerdict;
use crate::setup::device_code::record::ACTION_NAME;

/// The plan header and table, then the per-pack lines; for `all`, a section per domain.
pub fn render_plan(plan: &Plan, request: &Request, styles: &Styles) -> String {
    let mut out = header(plan, request, styles);
    if plan.domain != Domains::All {
        out.push_str(&packs_table(plan.packs.iter(), styles));
        return out;
    }
    for section in &plan.sections {
        let packs: Vec<&PlannedPack> = plan.section_packs(section.domain).collect();
        let count = packs.len();
        let where_ = if section.providers_dir_exists {
            format!("in {}", section.providers_dir.display())
        } else {
            format!("({} does not exist)", section.providers_dir.display())
        };
        out.push_str(&format!(
            "{} {count} pack{} {where_}\n",
            paint(styles.header, &format!("{}:", section.domain)),
            if count == 1 { "" } else { "s" }
        ));
        if count > 0 {
            out.push_str(&packs_table(packs.into_iter(), styles));
        }
    }
    out
}

/// The table of `packs`' flows, then each pack's answers, secrets and login lines.
fn packs_table<'a>(
    packs: impl Iterator<Item = &'a PlannedPack> + Clone,
    styles: &Styles,
) -> String {
    let rows: Vec<[String; 4]> = packs.clone().flat_map(pack_rows).collect();
    if rows.is_empty() {
        return "  nothing to run\n".to_string();
    }
    let mut out = String::new();
    for line in render_table(["PACK", "FILE", "FLOW", "ACTION"], &rows, |i, _, cell| {
        if i == 0 {
            paint(styles.header, cell)
        } else {
            cell.to_string()
        }
    }) {
        out.push_str(&format!("  {line}\n"));
    }
    for pack in packs {
        out.push_str(&pack_lines(pack));
    }
    out
}

/// `Plan: dev setup messaging (tenant acme, env dev): 2 packs in providers/messaging`.
fn header(plan: &Plan, request: &Request, styles: &Styles) -> String {
    let who = match (&request.tenant, &request.team) {
        (Some(t), Some(team)) => format!("tenant {t}, team {team}"),
        (Some(t), None) => format!("tenant {t}"),
        (None, _) => "no tenant".to_string(),
    };
    let title = if request.dry_run {
        "Plan (dry run):"
    } else {
        "Plan:"
    };
    let packs = plan.packs.len();
    let place = match plan.domain {
        Domains::All => format!("{} domains", plan.sections.len()),
        Domains::One(_) => plan.providers_dir.display().to_string(),
    };
    format!(
        "{} dev {} {} ({who}, env {}): {packs} pack{} in {place}\n",
        paint(styles.header, title),
        plan.action,
        plan.domain,
        request.env,
        if packs == 1 { "" } else { "s" },
    )
}

/// One pack's table rows: its error, each flow's step, and its device-code login.
fn pack_rows(pack: &PlannedPack) -> Vec<[String; 4]> {
    let row = |flow: &str, what: String| {
        [
            pack.label.clone(),
            pack.file_name.clone(),
            flow.to_string(),
            what,
        ]
    };
    let mut rows = Vec::new();
    if let Some(error) = &pack.error {
        // The reason itself is said once, under `Pack errors:`.
        rows.push(row("-", format!("error: {}", error.kind())));
    }
    for step in &pack.steps {
        let mut what = match step.disposition {
            Disposition::Run => "run".to_string(),
            Disposition::Skip { reason } => format!("skip: {}", reason.describe()),
            Disposition::Contract if step.step == "remove" => {
                "no flow: its provider's apply-answers (mode remove) gives the cleanup plan carried out below".to_string()
            }
            Disposition::Contract => format!(
                "no flow: its provider's apply-answers does it (mode {}; see its contract)",
                contract_mode(&step.step)
            ),
            Disposition::NothingToDo => nothing_to_do(pack),
        };
        match step.found {
            Some(found) if step.flow != step.step => {
                what.push_str(&format!(
                    " (the pack's flow for {}: {})",
                    step.step,
                    found.describe()
                ));
            }
            _ if step.flow != step.step => {
                what.push_str(&format!(" (the pack's flow for {})", step.step));
            }
            _ => {}
        }
        rows.push(row(&step.flow, what));
    }
    if pack.device_code.is_some() && pack.error.is_none() {
        rows.push(row(ACTION_NAME, "login after setup passes".to_string()));
    }
    rows
}

/// The mode a contract step calls its provider's `apply-answers` in.
fn contract_mode(step: &str) -> &'static str {
    match step {
        "update" => "upgrade",
        _ => "setup",
    }
}

/// Why a step has nothing to do: what the pack's offers say, and the questions it still asks.
fn nothing_to_do(pack: &PlannedPack) -> String {
    let offers = pack
        .info
        .as_ref()
        .and_then(|i| i.setup_offers.as_ref())
        .map(|o| o.offer_ids.join(", "))
        .unwrap_or_default();
    let mut what = format!(
        "nothing to set up: no flow or provider contract for it, and its offer {offers} says requires_setup: false"
    );
    if !pack.answers.is_empty() {
        what.push_str("; its answers are kept as given");
    }
    what
}

/// (requirements) What the provider needs, a line each: questions, secrets, the public URL,
/// a device-code login; with a tenant, `[stored]` or `[not stored]` after each.
fn needs_lines(pack: &PlannedPack) -> String {
    let Some(needs) = &pack.needs else {
        return String::new();
    };
    let mark = |stored: Option<bool>| match stored {
        Some(true) => " [stored]",
        Some(false) => " [not stored]",
        None => "",
    };
    let mut out = format!("  needs of {}:\n", pack.label);
    if let Some(error) = &needs.form_error {
        out.push_str(&format!(
            "    its setup questions cannot be read: {error}\n"
        ));
    }
    if let Some(error) = &needs.contract_error {
        out.push_str(&format!(
            "    its provider's own questions cannot be asked: {error}\n"
        ));
    }
    for q in &needs.questions {
        let mut facts = vec![kind_word(q.kind).to_string()];
        facts.push(if q.required { "required" } else { "optional" }.to_string());
        if q.secret {
            facts.push("secret".to_string());
        }
        if q.conditional {
            facts.push("asked when shown".to_string());
        }
        facts.extend(q.rule.clone());
        if let Some(default) = &q.default {
            facts.push(format!("default {default}"));
        }
        if !q.covers.is_empty() {
            facts.push(format!("covers {}", q.covers.join(", ")));
        }
        let line = format!("    question {}: {}", q.name, facts.join(", "));
        let title = match q.title == q.name {
            true => String::new(),
            false => format!(", asked as \"{}\"", q.title),
        };
        out.push_str(&format!("{line}{}{title}\n", mark(q.stored)));
    }
    for secret in &needs.secrets {
        let required = if secret.required {
            "required"
        } else {
            "optional"
        };
        let by = secret
            .answered_by
            .as_ref()
            .map(|q| format!(", answered by {q}"))
            .unwrap_or_default();
        let line = format!("    secret {}: {required}{by}", secret.key);
        out.push_str(&format!("{line}{}\n", mark(secret.stored)));
    }
    for read in &needs.read_keys {
        let secret = if read.secret { "secret, " } else { "" };
        let (how, then) = match read.input {
            true => ("read by", "give it in --answers"),
            false => ("written after its login by", "an --answers value is kept"),
        };
        let line = format!(
            "    read key {}: {secret}not asked, {how} its {} ({}); {then}",
            read.key,
            DEVICE_CODE_EXTENSION,
            read.readers.join(", ")
        );
        out.push_str(&format!("{line}{}\n", mark(read.stored)));
    }
    if needs.public_base_url {
        let answered = needs
            .questions
            .iter()
            .any(|q| q.name == PUBLIC_BASE_URL && q.stored == Some(true));
        let known = match needs.public_base_url_known {
            _ if answered => "; stored for this provider",
            Some(true) => "; the project has one",
            Some(false) => "; the project has none yet (--public-base-url or a tunnel)",
            None => "",
        };
        out.push_str(&format!("    public URL: asked{known}\n"));
    }
    if needs.device_code {
        let state = pack
            .login
            .as_ref()
            .map(|l| format!("; login {}", l.status.word()))
            .unwrap_or_default();
        out.push_str(&format!("    device-code login: declared{state}\n"));
    }
    if needs.questions.is_empty()
        && needs.secrets.is_empty()
        && needs.read_keys.is_empty()
        && !needs.device_code
    {
        out.push_str("    nothing: no questions, secrets or login\n");
    }
    out
}

/// A question kind as Greentic's form model names it.
fn kind_word(kind: qa_spec::QuestionType) -> &'static str {
    match kind {
        qa_spec::QuestionType::String => "string",
        qa_spec::QuestionType::Boolean => "boolean",
        qa_spec::QuestionType::Integer => "integer",
        qa_spec::QuestionType::Number => "number",
        qa_spec::QuestionType::Enum => "enum",
        qa_spec::QuestionType::List => "list",
    }
}

/// (remove) What a removal of the pack deletes: every file and secret key, never a value.
fn stored_lines(pack: &PlannedPack) -> String {
    let Some(stored) = &pack.stored else {
        return String::new();
    };
    if stored.is_empty() {
        return format!(
            "  {} has nothing stored for this tenant and team\n",
            pack.label
        );
    }
    let mut out = format!("  deletes for {}:\n", pack.label);
    for file in &stored.files {
        out.push_str(&format!("    {}\n", file.display()));
    }
    for uri in &stored.secrets {
        out.push_str(&format!("    {uri}\n"));
    }
    out
}

/// The lines under the table for one pack: its answers, secrets and login, each when it has any.
fn pack_lines(pack: &PlannedPack) -> String {
    let mut out = stored_lines(pack);
    out.push_str(&needs_lines(pack));
    if !pack.answers.is_empty() {
        let items: Vec<String> = pack.answers.iter().map(answer_item).collect();
        out.push_str(&format!(
            "  answers for {}: {}\n",
            pack.label,
            items.join(", ")
        ));
    }
    if !pack.secrets.is_empty() {
        let items: Vec<String> = pack.secrets.iter().map(secret_item).collect();
        out.push_str(&format!(
            "  secrets for {}: {}\n",
            pack.label,
            items.join(", ")
        ));
    }
    if let Some(login) = &pack.login {
        out.push_str(&login_line(&pack.label, login));
    }
    if let Some(contract) = &pack.contract {
        out.push_str(&contract_lines(&pack.label, contract));
    }
    out
}

/// The provider contract of a pack: what it declares, what came of `apply-answers`, and
/// where its questions and `setup.yaml`'s differ.
fn contract_lines(label: &str, contract: &ContractReport) -> String {
    let verdict = match &contract.verdict {
        Some(verdict @ ContractVerdict::Configured { kept }) => {
            format!("{} (kept {})", verdict.word(), kept.join(", "))
        }
        Some(verdict) => verdict.word().to_string(),
        None if contract.ops.iter().any(|op| op == APPLY_ANSWERS_OP) => {
            "apply-answers not called".to_string()
        }
        None => "no apply-answers: the setup flow decides".to_string(),
    };
    let mut out = format!(
        "  provider contract of {label}: {} ({}; schema {}): {verdict}\n",
        contract.provider_type,
        contract.ops.join(", "),
        contract.config_schema_ref,
    );
    if !contract.disagreements.is_empty() {
        let items: Vec<String> = contract
            .disagreements
            .iter()
            .map(ToString::to_string)
            .collect();
        out.push_str(&format!(
            "  provider and setup.yaml of {label} differ: {}\n",
            items.join("; ")
        ));
    }
    out
}

/// `channel (answersfile)`, `bot_token (secret, MISSING)`: where an answer comes from, never
/// its value.
fn answer_item(a: &AnswerStatus) -> String {
    let source = match (&a.broken, a.source) {
        _ if a.hidden => "hidden".to_string(),
        (Some(Broken::Missing), _) => "MISSING".to_string(),
        (Some(broken), Some(source)) => {
            format!("{}, INVALID: {broken}", source.label())
        }
        (_, Some(source)) => source.label().to_string(),
        (_, None) => "unset".to_string(),
    };
    let secret = match (a.secret, a.covers.is_empty()) {
        (false, _) => String::new(),
        (true, true) => "secret, ".to_string(),
        (true, false) => format!("secret for {}, ", a.covers.join(", ")),
    };
    let change = a
        .change
        .map(|c| format!(", {}", c.word()))
        .unwrap_or_default();
    format!("{} ({secret}{source}{change})", a.name)
}

/// `signing_secret present`, or the setup answer that will provide it.
fn secret_item(s: &SecretPresence) -> String {
    let state = if s.present { "present" } else { "missing" };
    match &s.answered_by {
        Some(question) => format!("{} {state} (setup answer {question})", s.key),
        None => format!("{} {state}", s.key),
    }
}

/// Where the pack's device-code login stands, and since when.
fn login_line(label: &str, login: &LoginState) -> String {
    let since = login
        .updated_at
        .map(|at| format!(" since {}", at.format("%Y-%m-%d %H:%M:%S UTC")))
        .unwrap_or_default();
    let detail = login
        .detail
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    format!(
        "  device-code login for {label}: {}{since}{detail}\n",
        login.status.word()
    )
}
