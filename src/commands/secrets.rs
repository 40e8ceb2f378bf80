//! `dev secrets list | set | delete`: the dev store the flows use, for one tenant and team.
//! Values go from the person (a hidden prompt, or standard input when piped) to the store and
//! nowhere else: never to output, logs or another file.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Read};

use crate::base::command_line::CommandScope;
use crate::base::exit_code;
use crate::base::prompter::{Prompter, TextQuestion};
use crate::cli::request::{SecretsAction, SecretsRequest};
use crate::pack::domains::Domain;
use crate::pack::ids::{CollidingPack, IdCollision};
use crate::pack::names_pack;
use crate::report::secrets as render;
use crate::report::usage_error;
use crate::setup::secret_needs::{KeyRow, Listing, ProjectPack, needs_of, project_packs};
use crate::state::secrets::{
    DevSecrets, SecretScope, SecretsError, StoredKey, secret_uri, store_path, store_segment,
};

/// Runs the request; the prompter asks for a value at a terminal.
pub fn run(request: &SecretsRequest, prompter: &dyn Prompter) -> u8 {
    if request.tenant.is_empty() {
        return usage_error(
            request.format,
            "--tenant is required (or set GREENTIC_TENANT)",
        );
    }
    let scope = SecretScope {
        env: request.env.clone(),
        tenant: request.tenant.clone(),
        team: request.team.clone(),
    };
    let project = project_packs(&request.project_root, &Domain::ALL);
    let result = match &request.action {
        SecretsAction::List { domains, providers } => {
            list(request, &scope, &project, domains, providers)
        }
        SecretsAction::Set { provider, key } => match pack_id_named(&project, provider) {
            Ok(provider) => refuse_shared(request, &project, |p| same_provider(p, &provider))
                .and_then(|()| set(request, &scope, &provider, key, prompter)),
            Err(unresolved) => Ok(usage_error(request.format, &unresolved.to_string())),
        },
        SecretsAction::Delete { provider, key } => match pack_id_named(&project, provider) {
            Ok(provider) => refuse_shared(request, &project, |p| same_provider(p, &provider))
                .and_then(|()| delete(request, &scope, &provider, key)),
            Err(unresolved) => Ok(usage_error(request.format, &unresolved.to_string())),
        },
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let interrupted = error
                .downcast_ref::<SecretsError>()
                .is_some_and(SecretsError::is_interrupted);
            render::error(error.as_ref(), interrupted, request.format)
        }
    }
}

type Outcome = Result<u8, Box<dyn std::error::Error>>;

/// Refuses when two packs of the project the store cannot tell apart (`messaging-alpha`,
/// `messaging_alpha`) include one the command `concerns`: their keys are one provider's.
fn refuse_shared(
    request: &SecretsRequest,
    project: &[ProjectPack],
    concerns: impl Fn(&ProjectPack) -> bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let named: Vec<CollidingPack> = project
        .iter()
        .map(|p| CollidingPack {
            file: p
                .path
                .strip_prefix(&request.project_root)
                .unwrap_or(&p.path)
                .display()
                .to_string(),
            pack_id: p.info.pack_id.clone(),
        })
        .collect();
    let concerned = |c: &IdCollision| {
        project
            .iter()
            .zip(&named)
            .any(|(p, n)| c.packs.contains(n) && concerns(p))
    };
    match IdCollision::among(&named).into_iter().find(concerned) {
        Some(collision) => Err(Box::new(collision)),
        None => Ok(()),
    }
}

/// Whether `pack`'s keys are filed under the same store provider as `provider`'s.
fn same_provider(pack: &ProjectPack, provider: &str) -> bool {
    store_segment(&pack.info.pack_id) == store_segment(provider)
}

fn list(
    request: &SecretsRequest,
    scope: &SecretScope,
    project: &[ProjectPack],
    domains: &[Domain],
    providers: &[String],
) -> Outcome {
    let store_file = store_path(&request.project_root);
    let keys = match DevSecrets::open(&store_file, false)? {
        Some(store) => {
            // Keys are listed without decrypting: say so when their values cannot be read.
            store.check_key(scope)?;
            store.list(scope)?
        }
        None => Vec::new(),
    };
    let packs: Vec<ProjectPack> = project
        .iter()
        .filter(|p| domains.contains(&p.domain))
        .cloned()
        .collect();
    // `--provider` is matched against every key: a provider of the store that no pack of the
    // domain names is still one the person asked for by name.
    let wanted = match wanted_segments(providers, &packs, &keys) {
        Ok(wanted) => wanted,
        Err(unmatched) => return Ok(usage_error(request.format, &unmatched.to_string())),
    };
    let keys = match wanted {
        Some(_) => keys,
        None => of_domains(keys, &packs, domains),
    };
    let chosen = |segment: &str| wanted.as_ref().is_none_or(|w| w.contains(segment));
    refuse_shared(request, project, |p| {
        domains.contains(&p.domain) && chosen(&store_segment(&p.info.pack_id))
    })?;
    let needs: Vec<_> = needs_of(&packs)
        .into_iter()
        .filter(|n| chosen(&store_segment(&n.pack_id)))
        .collect();
    let rows = keys
        .into_iter()
        .filter(|k| chosen(&k.provider))
        .map(|key| KeyRow {
            meets: needs
                .iter()
                .filter(|n| n.met_by(&key.provider, &key.key))
                .map(|n| format!("{} {}", n.pack_id, n.requirement))
                .collect(),
            key,
        })
        .collect::<Vec<_>>();
    let missing = needs
        .into_iter()
        .filter(|n| !rows.iter().any(|r| n.met_by(&r.key.provider, &r.key.key)))
        .collect();
    let listing = Listing {
        store: store_file,
        scope: scope.clone(),
        keys: rows,
        missing,
    };
    let commands = CommandScope::new(
        Some(&scope.tenant),
        scope.team.as_deref(),
        &scope.env,
        &request.project_root,
        &request.project_root.join("state"),
    );
    render::list(&listing, &commands, request.format, request.color);
    Ok(exit_code::SUCCESS)
}

/// Without `--provider`: with one domain, only the keys of its packs' providers; with every
/// domain, every key (also of providers no pack of the project names).
fn of_domains(keys: Vec<StoredKey>, packs: &[ProjectPack], domains: &[Domain]) -> Vec<StoredKey> {
    if Domain::ALL.iter().all(|d| domains.contains(d)) {
        return keys;
    }
    let segments: BTreeSet<String> = packs
        .iter()
        .map(|p| store_segment(&p.info.pack_id))
        .collect();
    keys.into_iter()
        .filter(|k| segments.contains(&k.provider))
        .collect()
}

/// The store's provider segments `--provider` names (`None`: every provider). A value names a
/// pack of the project by id, file name or stem, or a provider the store holds keys of; one
/// that names neither is a usage error listing both.
fn wanted_segments(
    providers: &[String],
    packs: &[ProjectPack],
    keys: &[StoredKey],
) -> Result<Option<BTreeSet<String>>, ProviderNameError> {
    if providers.is_empty() {
        return Ok(None);
    }
    let mut wanted = BTreeSet::new();
    for value in providers {
        let mut named: BTreeSet<String> = packs
            .iter()
            .filter(|p| names_pack(value, Some(&p.info.pack_id), Some(&p.path)))
            .map(|p| store_segment(&p.info.pack_id))
            .collect();
        let segment = store_segment(value);
        if keys.iter().any(|k| k.provider == segment) {
            named.insert(segment);
        }
        if named.is_empty() {
            return Err(unmatched(value, packs, keys));
        }
        wanted.append(&mut named);
    }
    Ok(Some(wanted))
}

fn unmatched(value: &str, packs: &[ProjectPack], keys: &[StoredKey]) -> ProviderNameError {
    ProviderNameError::Unmatched {
        value: value.to_string(),
        packs: packs.iter().map(|p| p.info.pack_id.clone()).collect(),
        providers: keys.iter().map(|k| k.provider.clone()).collect(),
    }
}

/// The provider `set` and `delete` mean: the pack id of the project's pack whose id, file name
/// or stem `named` is (`telegram` -> `messaging-telegram`), else `named` as typed (a provider
/// whose pack is not in the project). A name that several packs answer to (`hook`, the stem
/// of `messaging/hook.gtpack` and `events/hook.gtpack`) is refused, naming their ids.
fn pack_id_named(packs: &[ProjectPack], named: &str) -> Result<String, ProviderNameError> {
    let ids: BTreeSet<&str> = packs
        .iter()
        .filter(|p| names_pack(named, Some(&p.info.pack_id), Some(&p.path)))
        .map(|p| p.info.pack_id.as_str())
        .collect();
    match ids.into_iter().collect::<Vec<_>>().as_slice() {
        [] => Ok(named.to_string()),
        [one] => Ok(one.to_string()),
        many => Err(ProviderNameError::Ambiguous {
            named: named.to_string(),
            ids: many.iter().map(|id| id.to_string()).collect(),
        }),
    }
}

/// A provider name the command cannot resolve: a usage error naming what it could mean.
#[derive(Debug, thiserror::Error)]
enum ProviderNameError {
    /// Several packs of the project answer to it: their ids.
    #[error("{named} names {} packs of the project ({}): give the pack id", ids.len(), ids.join(", "))]
    Ambiguous { named: String, ids: Vec<String> },
    /// `--provider` names neither a pack of the project nor a provider of the store.
    #[error(
        "--provider {value} matches no pack of the project and no provider of the store; packs: {}; providers with keys: {}",
        listed(packs),
        listed(providers)
    )]
    Unmatched {
        value: String,
        packs: BTreeSet<String>,
        providers: BTreeSet<String>,
    },
}

/// `names` joined with commas, sorted, or `none`.
fn listed(names: &BTreeSet<String>) -> String {
    match names.is_empty() {
        true => "none".to_string(),
        false => names.iter().cloned().collect::<Vec<_>>().join(", "),
    }
}

fn set(
    request: &SecretsRequest,
    scope: &SecretScope,
    provider: &str,
    key: &str,
    prompter: &dyn Prompter,
) -> Outcome {
    let uri = secret_uri(scope, provider, key)?;
    let Some(value) = read_value(&uri, prompter)? else {
        return Ok(usage_error(
            request.format,
            "no value given (an empty value is not stored)",
        ));
    };
    let store = DevSecrets::open(&store_path(&request.project_root), true)?
        .ok_or("the secrets store could not be created")?;
    // A secret under another key than the store's others could never be read with theirs.
    store.check_key(scope)?;
    store.put_verified(&uri, &value)?;
    render::stored(&uri, request.format);
    Ok(exit_code::SUCCESS)
}

/// The value: a hidden prompt at a terminal, else standard input (one trailing newline,
/// as `echo` adds, is not part of it). `None` when empty.
fn read_value(uri: &str, prompter: &dyn Prompter) -> std::io::Result<Option<String>> {
    let value = if std::io::stdin().is_terminal() {
        let label = format!("value for {uri}");
        let accept = |_: &str| Ok(());
        prompter.text(&TextQuestion {
            label: &label,
            default: None,
            secret: true,
            allow_empty: false,
            validate: &accept,
        })
    } else {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        let trimmed = text.strip_suffix('\n').unwrap_or(&text);
        Some(trimmed.strip_suffix('\r').unwrap_or(trimmed).to_string())
    };
    Ok(value.filter(|v| !v.is_empty()))
}

fn delete(request: &SecretsRequest, scope: &SecretScope, provider: &str, key: &str) -> Outcome {
    let uri = secret_uri(scope, provider, key)?;
    let removed = match DevSecrets::open(&store_path(&request.project_root), false)? {
        Some(store) => store.delete(&uri)?,
        None => false,
    };
    Ok(render::deleted(&uri, removed, request.format))
}
