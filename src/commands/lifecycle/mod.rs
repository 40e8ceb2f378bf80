//! One lifecycle command from request to exit code, in four phases over typed values:
//! plan (discover, read manifests, decide) -> prepare (secrets store, answers, logins' state)
//! -> run (flows, then device-code logins) -> finish (the verdict, JUnit), the components it
//! will load compiled first (`warm`). Everything it has to say goes to the reporter as one
//! stream of [`Event`]s.

use std::collections::BTreeMap;
use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use crate::base::exit_code;
use crate::base::interrupt::{self, PROCESS_INTERRUPT};
use crate::cli::request::Request;
use crate::pack::domains::{Action, Domain, Domains, discover};
use crate::plan::prepare::{self, SetupSources};
use crate::plan::requirements::{self, StoredLookup};
use crate::plan::{Plan, PlanOptions, ScannedPack, build_plan};
use crate::report;
use crate::run::events::{Event, Execution, FinalStatus};
use crate::run::execute::{ExecSettings, execute};
use crate::run::input::FlowContext;
use crate::run::logins;
use crate::run::removals;
use crate::run::scratch::Scratch;
use crate::setup::answers::{AnswerSource, AnswersFile, load_answers_file, shown_source};
use crate::setup::contract::host::CallLimits;
use crate::setup::device_code::record::ActionRecord;
use crate::setup::keep::PackSetup;
use crate::setup::tunnel::resolve_public_base_url;
use crate::state::secrets::{DevSecrets, SecretScope, store_path};
use crate::state::state_layout::StateLayout;

mod edge;
mod warm;

use edge::{Edge, Presence};

/// Why a command stops before its verdict.
enum Stop {
    /// A bad flag or value (exit code 2).
    Usage(String),
    /// Nothing can go on (exit code 1).
    Fatal(Box<dyn Error>),
}

fn fatal(error: impl Error + 'static) -> Stop {
    Stop::Fatal(Box::new(error))
}

/// What the prepare phase hands to the run phase.
struct Prepared {
    layout: StateLayout,
    scope: SecretScope,
    /// `None` when the store file does not exist yet (a real run creates it).
    secrets: Option<DevSecrets>,
    /// (setup) Each runnable pack's answers, by pack index.
    setups: BTreeMap<usize, PackSetup>,
    public_base_url: Option<(String, AnswerSource)>,
}

/// Runs `request` and returns the exit code (see [`crate::base::exit_code`]).
pub fn run(request: Request) -> u8 {
    let report::Terminal {
        mut reporter,
        prompter,
    } = report::for_format(request.format, request.color);
    let mut emit = |event: Event<'_>| reporter.report_event(&event);
    let edge = Edge {
        presence: Presence::of(&request),
        prompter: prompter.as_ref(),
    };
    match command(&request, edge, &mut emit) {
        Ok(status) => status.exit_code(),
        Err(Stop::Usage(message)) => {
            emit(Event::UsageError { message: &message });
            exit_code::USAGE
        }
        Err(Stop::Fatal(error)) => {
            emit(Event::Fatal {
                error: error.as_ref(),
            });
            exit_code::FAILURE
        }
    }
}

/// The four phases; the whole command in one screen.
fn command(
    request: &Request,
    edge: Edge<'_>,
    emit: &mut dyn FnMut(Event<'_>),
) -> Result<FinalStatus, Stop> {
    if request.tenant.is_none() && !request.dry_run {
        return Err(Stop::Usage(
            "--tenant is required to run flows (or set GREENTIC_TENANT); --dry-run works without it"
                .into(),
        ));
    }
    if request.action == Action::Remove && request.tenant.is_none() {
        return Err(Stop::Usage(
            "dev remove needs --tenant (or GREENTIC_TENANT): the tenant whose provider data it deletes, also for --dry-run".into(),
        ));
    }
    let mut plan = plan_phase(request)?;
    warm::warm_phase(request, &plan, emit);
    let prepared = prepare_phase(request, &mut plan, edge, emit)?;
    emit(Event::PlanReady {
        plan: &plan,
        request,
    });
    if request.dry_run {
        return Ok(finish_phase(request, &plan, None, emit));
    }
    if request.action == Action::Remove {
        confirm_removal(request, &plan, edge)?;
    }
    let execution = run_phase(request, &plan, prepared, edge, emit)?;
    Ok(finish_phase(request, &plan, Some(&execution), emit))
}

/// Finds each domain's packs, reads each manifest (one bad pack is that pack's error), and
/// decides what runs: one plan, with a section per domain for `all`.
fn plan_phase(request: &Request) -> Result<Plan, Stop> {
    let domains = request.domain.list();
    let mut plans = Vec::with_capacity(domains.len());
    for &domain in &domains {
        // `all` applies `--provider` across the domains, once they are combined.
        let providers = match request.domain {
            Domains::One(_) => request.providers.clone(),
            Domains::All => Vec::new(),
        };
        plans.push(domain_plan(request, domain, providers)?);
    }
    match request.domain {
        Domains::One(domain) => {
            let mut plan = plans.remove(0);
            // The other domains' packs, read as `all` reads them (a folder that cannot be read
            // has nothing to collide with).
            let others = Domain::ALL
                .into_iter()
                .filter(|d| *d != domain)
                .filter_map(|d| domain_plan(request, d, Vec::new()).ok())
                .flat_map(|other| other.packs)
                .collect();
            plan.mark_ids_of_other_domains(others);
            Ok(plan)
        }
        Domains::All => Plan::combine(
            plans,
            request.project_root.join("providers"),
            &request.providers,
        )
        .map_err(|unmatched| Stop::Usage(unmatched.to_string())),
    }
}

fn domain_plan(request: &Request, domain: Domain, providers: Vec<String>) -> Result<Plan, Stop> {
    let discovery = discover(&request.project_root, domain).map_err(fatal)?;
    let scanned = ScannedPack::read_all(&discovery.packs);
    let options = PlanOptions {
        providers,
        allow_missing_setup: request.setup.allow_missing_setup,
        custom: request.setup.custom,
    };
    build_plan(domain, request.action, &discovery, scanned, &options)
        .map_err(|unmatched| Stop::Usage(unmatched.to_string()))
}

/// Reads what the plan should show before anything runs: stored secrets and answers
/// (setup), where each secret and login stands (diagnostics).
fn prepare_phase(
    request: &Request,
    plan: &mut Plan,
    edge: Edge<'_>,
    emit: &mut dyn FnMut(Event<'_>),
) -> Result<Prepared, Stop> {
    let layout = StateLayout::new(&request.state_dir);
    let scope = SecretScope {
        env: request.env.clone(),
        tenant: request.tenant.clone().unwrap_or_default(),
        team: request.team.clone(),
    };
    // Planning only reads a store that exists; a real run creates it, and a real setup
    // before it prepares: a provider's `apply-answers` commits its answers there.
    let create = request.action.takes_answers() && !request.dry_run;
    let secrets = DevSecrets::open(&store_path(&request.project_root), create).map_err(fatal)?;
    if let Some(store) = &secrets
        && request.tenant.is_some()
    {
        store.check_key(&scope).map_err(fatal)?;
    }
    let public_base_url = resolve_public_base_url(
        request.public_base_url.as_deref(),
        &layout,
        request.tenant.as_deref(),
        request.team.as_deref(),
    );
    let mut prepared = Prepared {
        layout,
        scope,
        secrets,
        setups: BTreeMap::new(),
        public_base_url,
    };
    match request.action {
        Action::Diagnostics if request.tenant.is_some() => {
            prepare::check_secret_presence(plan, prepared.secrets.as_ref(), &prepared.scope)
                .map_err(fatal)?;
            logins::check_login_states(plan, &prepared.layout, &prepared.scope);
        }
        Action::Requirements => {
            let known = prepared.public_base_url.is_some();
            let lookup = request.tenant.as_ref().map(|_| StoredLookup {
                layout: &prepared.layout,
                secrets: prepared.secrets.as_ref(),
                scope: &prepared.scope,
                public_base_url_known: known,
            });
            requirements::attach_needs(
                plan,
                lookup.as_ref(),
                &prepared.scope,
                prepared.secrets.as_ref(),
            )
            .map_err(fatal)?;
            if lookup.is_some() {
                logins::check_login_states(plan, &prepared.layout, &prepared.scope);
            }
        }
        Action::Remove => {
            removals::attach_inventory(
                plan,
                &prepared.layout,
                prepared.secrets.as_ref(),
                &prepared.scope,
            )
            .map_err(fatal)?;
        }
        action if action.takes_answers() => {
            if action == Action::Setup {
                logins::attach_metadata(plan);
            }
            let answers_file = answers_file(request, plan, emit)?;
            prepared.setups = prepare::prepare(
                plan,
                &SetupSources {
                    action,
                    layout: &prepared.layout,
                    // Without a tenant (a dry run) no stored secret has a name to be read by.
                    secrets: prepared
                        .secrets
                        .as_ref()
                        .filter(|_| request.tenant.is_some()),
                    scope: &prepared.scope,
                    answers_file: answers_file.as_ref(),
                    public_base_url: prepared.public_base_url.clone(),
                    prompter: edge.answers_prompter(),
                    dry_run: request.dry_run,
                    limits: call_limits(request),
                },
            );
            warn_unscoped_answers(&prepared.layout, &prepared.setups, emit);
            warn_ignored_answers(plan, emit);
        }
        _ => {}
    }
    Ok(prepared)
}

/// An earlier version's unscoped `setup-answers.json` is not read (no tenant can be told from
/// it): said once per provider that has no answers of its own scope yet.
fn warn_unscoped_answers(
    layout: &StateLayout,
    setups: &BTreeMap<usize, PackSetup>,
    emit: &mut dyn FnMut(Event<'_>),
) {
    for setup in setups.values() {
        let old = layout.unscoped_setup_answers_file(&setup.provider_id);
        if old.is_file() && !setup.config_path.exists() {
            let message = format!(
                "{} is not scoped to a tenant and is not read; if it holds this tenant's answers, move it to {}",
                old.display(),
                setup.config_path.display()
            );
            emit(Event::Warning { message: &message });
        }
    }
}

/// Keys of the `--answers` file that nothing of a provider's pack reads: named (never their
/// values) with the question each may have meant; they are neither kept nor passed on.
fn warn_ignored_answers(plan: &Plan, emit: &mut dyn FnMut(Event<'_>)) {
    for pack in plan.packs.iter().filter(|p| !p.ignored_answers.is_empty()) {
        let keys: Vec<String> = pack
            .ignored_answers
            .iter()
            .map(|k| match &k.nearest {
                Some(nearest) => format!("{} (did you mean {nearest}?)", k.key),
                None => k.key.clone(),
            })
            .collect();
        let message = format!(
            "the --answers file gives {} keys that nothing in its pack reads (no question, \
             no declaration): {}; they are ignored (not stored, not passed to its flows)",
            pack.label,
            keys.join(", ")
        );
        emit(Event::Warning { message: &message });
    }
}

/// `--answers FILE`, read for the providers that take answers (their flow runs, or their
/// provider's `apply-answers` takes them); a provider it names that is not in the plan is a
/// warning.
fn answers_file(
    request: &Request,
    plan: &Plan,
    emit: &mut dyn FnMut(Event<'_>),
) -> Result<Option<AnswersFile>, Stop> {
    let Some(path) = &request.setup.answers else {
        return Ok(None);
    };
    let runnable: Vec<&str> = plan
        .packs
        .iter()
        .filter(|p| prepare::takes_answers(p, request.action))
        .filter_map(|p| p.info.as_ref().map(|i| i.pack_id.as_str()))
        .collect();
    let file = load_answers_file(path, &runnable).map_err(|e| Stop::Usage(e.to_string()))?;
    let unknown = file.unknown_providers(&runnable);
    if !unknown.is_empty() {
        let message = format!(
            "{} answers providers that are not in the plan (ignored): {}",
            shown_source(path),
            unknown.join(", ")
        );
        emit(Event::Warning { message: &message });
    }
    Ok(Some(file))
}

/// Runs every planned flow, then (setup) the device-code logins of the packs that passed.
fn run_phase(
    request: &Request,
    plan: &Plan,
    prepared: Prepared,
    edge: Edge<'_>,
    emit: &mut dyn FnMut(Event<'_>),
) -> Result<Execution, Stop> {
    // Flows always get the dev store as their secrets manager: the runner's default (process
    // environment variables) refuses every env but dev/test/local.
    let secrets = match prepared.secrets {
        Some(secrets) => secrets,
        None => DevSecrets::open(&store_path(&request.project_root), true)
            .map_err(fatal)?
            .expect("a created store is open"),
    };
    let scratch = Scratch::create().map_err(|err| {
        Stop::Fatal(format!("cannot create a private folder for the runner's files: {err}").into())
    })?;
    interrupt::enter_graceful();
    let settings = ExecSettings {
        layout: prepared.layout,
        ctx: FlowContext {
            tenant: request.tenant.clone().unwrap_or_default(),
            team: request.team.clone(),
            env: request.env.clone(),
            public_base_url: prepared.public_base_url.map(|(url, _)| url),
        },
        parallel: request.parallel,
        offline: !request.online,
        timeout: request.timeout,
        grace: request.grace_period,
        secrets: Some(secrets),
        scope: prepared.scope,
        setups: prepared.setups,
        scratch: Arc::new(scratch),
    };
    let mut execution = execute(plan, &settings, &PROCESS_INTERRUPT, &mut *emit);
    if request.action == Action::Setup {
        let actions = logins_phase(plan, &execution, &settings, request, edge, emit);
        execution.add_actions(actions, &PROCESS_INTERRUPT);
    }
    if request.action == Action::Remove {
        let removal = removals::RemovalSettings {
            layout: &settings.layout,
            secrets: settings.secrets.as_ref(),
            scope: &settings.scope,
            force: request.remove.force,
            limits: call_limits(request),
        };
        let done = removals::run_removals(plan, &execution, &removal, &PROCESS_INTERRUPT, emit);
        execution.add_removals(done, &PROCESS_INTERRUPT);
    }
    Ok(execution)
}

/// The limits of a provider's op outside a flow: a flow's (`--timeout`, `--grace-period`).
fn call_limits(request: &Request) -> CallLimits {
    CallLimits::new(request.timeout, request.grace_period)
}

/// `dev remove` deletes secrets: a person at the terminal says yes to the plan they were
/// shown, `--yes` says it for a script; with neither, nothing runs.
fn confirm_removal(request: &Request, plan: &Plan, edge: Edge<'_>) -> Result<(), Stop> {
    if request.remove.yes {
        return Ok(());
    }
    let Some(prompter) = edge.answers_prompter() else {
        return Err(Stop::Usage(
            "dev remove deletes the providers' stored answers and secrets, and no terminal can ask: pass --yes (see what it deletes with --dry-run)".into(),
        ));
    };
    let providers = plan.packs.iter().filter(|p| p.stored.is_some()).count();
    let label = format!(
        "Run the remove flows and delete the stored data of {providers} provider(s) for tenant {} listed above?",
        request.tenant.as_deref().unwrap_or_default()
    );
    match prompter.confirm(&label, Some(false)) {
        Some(true) => Ok(()),
        _ => Err(Stop::Fatal(
            "not confirmed: nothing was run or deleted".into(),
        )),
    }
}

/// The device-code logins of `dev setup`, after every flow. Waiting for a person is bounded by
/// `--device-code-timeout`; without it, by the code's own expiry when a person watches, and by
/// five minutes otherwise (`--non-interactive`, CI, no terminal).
fn logins_phase(
    plan: &Plan,
    execution: &Execution,
    settings: &ExecSettings,
    request: &Request,
    edge: Edge<'_>,
    emit: &mut dyn FnMut(Event<'_>),
) -> Vec<ActionRecord> {
    let Some(secrets) = &settings.secrets else {
        return Vec::new();
    };
    let poll_limit = request
        .setup
        .device_code_timeout
        .or((!edge.presence.watching).then_some(UNWATCHED_LOGIN_WAIT));
    let action_settings = logins::ActionSettings {
        layout: &settings.layout,
        scope: &settings.scope,
        secrets,
        bundle_name: crate::setup::device_code::discovery::bundle_name(&request.project_root),
        prompter: edge.login_prompter(),
        poll_limit,
        relogin: request.setup.relogin,
        limits: call_limits(request),
    };
    logins::run_actions(
        plan,
        execution,
        &settings.setups,
        &action_settings,
        &PROCESS_INTERRUPT,
        emit,
    )
}

/// How long a device-code login is waited for when nobody may be watching.
const UNWATCHED_LOGIN_WAIT: Duration = Duration::from_secs(300);

/// The JUnit report, then the verdict (summarised once from the counts, or from the plan for
/// a dry run) and the last event. A report that cannot be written fails the command: CI would
/// otherwise stay green without it.
fn finish_phase(
    request: &Request,
    plan: &Plan,
    execution: Option<&Execution>,
    emit: &mut dyn FnMut(Event<'_>),
) -> FinalStatus {
    let mut status = match execution {
        Some(execution) => execution.stats.final_status(),
        None => FinalStatus::of_plan(plan),
    };
    if let Some(path) = &request.junit
        && let Err(err) = report::junit::write_junit(path, plan, execution)
    {
        let message = format!(
            "failed to write the JUnit report {}: {err}; the command fails without it",
            path.display()
        );
        emit(Event::Warning { message: &message });
        if status == FinalStatus::Passed {
            status = FinalStatus::Failed;
        }
    }
    emit(Event::RunFinished {
        plan,
        execution,
        status,
    });
    status
}
