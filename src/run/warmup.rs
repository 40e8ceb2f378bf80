//! A command's components compiled before anything loads them, on up to as many threads as
//! the machine has cores: each distinct component once, into the compiled-component cache
//! (`state::component_cache`) that the contract host and the flows' runner then read. Without
//! it each pack's load compiles its components one after the other, and two packs loaded at once
//! that hold the same component compile it twice.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use greentic_runner_host::cache::disk::DiskCache;
use greentic_runner_host::cache::{ArtifactKey, ArtifactMetadata, CacheConfig, EngineProfile};

use crate::base::interrupt::Interrupt;
use crate::pack::manifest::{component_bytes, open_archive};
use crate::state::component_cache::{component_digest, is_compiled, profile_root};

/// One component a command will load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarmItem {
    /// The pack's label, for the progress line.
    pub pack: String,
    pub pack_path: PathBuf,
    pub component: String,
}

/// What happened to one component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarmOutcome {
    /// It was in the cache already.
    Cached,
    /// It was compiled into the cache now.
    Compiled,
    /// The same bytes as a component seen before in this command.
    Duplicate,
    /// It could not be read or compiled: the loader that needs it says why.
    Failed(String),
}

/// The steps of the warm-up, in the order they happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarmStep {
    /// A component not in the cache began compiling; `total` is every component of the command.
    Compiling { item: WarmItem, total: usize },
    /// A component is settled.
    Done {
        item: WarmItem,
        outcome: WarmOutcome,
    },
}

/// The counts of one warm-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarmStats {
    pub compiled: usize,
    pub cached: usize,
    pub duplicates: usize,
    pub failed: usize,
    pub elapsed: Duration,
}

/// Compiles into the cache at `root` every component of `items` it does not hold yet, each
/// distinct one once; `on_step` hears each step on the calling thread. Nothing starts after
/// `interrupt`.
pub fn warm(
    root: &Path,
    items: &[WarmItem],
    interrupt: &Interrupt,
    on_step: &mut dyn FnMut(&WarmStep),
) -> WarmStats {
    let started = Instant::now();
    let mut stats = WarmStats::default();
    if items.is_empty() {
        return stats;
    }
    // The engine and profile the runner host loads with, so its loads read what is written here.
    let (engine, profile) = match greentic_runner_host::runtime_cache_engine_and_profile() {
        Ok(pair) => pair,
        Err(err) => {
            tracing::warn!("components are compiled as they load: {err:#}");
            return stats;
        }
    };
    let Some(disk) = open_disk(root, &profile) else {
        return stats;
    };
    let compile = |digest: String, bytes: &[u8]| -> anyhow::Result<()> {
        let serialized = engine
            .precompile_component(bytes)
            .map_err(|err| anyhow::anyhow!("{err:#}"))?;
        let meta = ArtifactMetadata::new(&profile, digest.clone(), serialized.len() as u64);
        let key = ArtifactKey::new(profile.id().to_string(), digest);
        disk.write_atomic(&key, &serialized, &meta)
    };
    let shared = Shared {
        seen: Mutex::new(HashSet::new()),
        disk: &disk,
        compile: &compile,
    };
    compile_all(items, interrupt, &shared, &mut |step| {
        if let WarmStep::Done { outcome, .. } = step {
            stats.count(outcome);
        }
        on_step(step);
    });
    if stats.compiled > 0
        && let Err(err) = disk.prune_to_limit(false)
    {
        tracing::warn!("the compiled-component cache could not be pruned: {err:#}");
    }
    stats.elapsed = started.elapsed();
    stats
}

impl WarmStats {
    fn count(&mut self, outcome: &WarmOutcome) {
        match outcome {
            WarmOutcome::Cached => self.cached += 1,
            WarmOutcome::Compiled => self.compiled += 1,
            WarmOutcome::Duplicate => self.duplicates += 1,
            WarmOutcome::Failed(_) => self.failed += 1,
        }
    }
}

/// The cache's folder for `profile` under `root`, created private; `None` (and a warning
/// naming the fix) when it cannot be written.
fn open_disk(root: &Path, profile: &EngineProfile) -> Option<DiskCache> {
    let profile_dir = profile_root(root, profile.id());
    if let Err(err) = private_dir(&profile_dir) {
        tracing::warn!(
            "the compiled-component cache {} cannot be written ({err}): nothing is kept, each component compiles as it loads (fix: set GREENTIC_CACHE_DIR to a folder of yours)",
            root.display()
        );
        return None;
    }
    let limit = CacheConfig::default().disk_max_bytes;
    Some(DiskCache::new(profile_dir, profile.clone(), limit))
}

/// Every item on up to as many workers as the machine has cores, none started after
/// `interrupt`; `on_step` hears each step on the calling thread.
fn compile_all(
    items: &[WarmItem],
    interrupt: &Interrupt,
    shared: &Shared<'_>,
    on_step: &mut dyn FnMut(&WarmStep),
) {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    if interrupt.is_requested() {
                        break;
                    }
                    let outcome = warm_one(item, items.len(), shared, &tx);
                    let item = item.clone();
                    let _ = tx.send(WarmStep::Done { item, outcome });
                }
            });
        }
        drop(tx);
        for step in rx {
            on_step(&step);
        }
    });
}

/// What the workers share: the digests seen so far, the cache, the compiler.
struct Shared<'a> {
    seen: Mutex<HashSet<String>>,
    disk: &'a DiskCache,
    compile: &'a Compile<'a>,
}

/// Compiles a component (digest, bytes) into the cache.
type Compile<'a> = dyn Fn(String, &[u8]) -> anyhow::Result<()> + Sync + 'a;

/// One component: read, keyed, and compiled unless the cache or another worker has it.
fn warm_one(
    item: &WarmItem,
    total: usize,
    cache: &Shared<'_>,
    tx: &mpsc::Sender<WarmStep>,
) -> WarmOutcome {
    let read = || -> anyhow::Result<Vec<u8>> {
        let mut archive = open_archive(&item.pack_path)?;
        Ok(component_bytes(&mut archive, &item.component)?.1)
    };
    let bytes = match read() {
        Ok(bytes) => bytes,
        Err(err) => return WarmOutcome::Failed(err.to_string()),
    };
    let digest = component_digest(&bytes);
    let first = cache
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(digest.clone());
    if !first {
        return WarmOutcome::Duplicate;
    }
    // A complete entry is left to the loader, which checks it against its recorded hash (and
    // compiles again an entry that fails); hashing every artifact here would double the cost
    // of a warm command.
    if is_compiled(cache.disk.root(), &digest) {
        return WarmOutcome::Cached;
    }
    let _ = tx.send(WarmStep::Compiling {
        item: item.clone(),
        total,
    });
    match (cache.compile)(digest, &bytes) {
        Ok(()) => WarmOutcome::Compiled,
        Err(err) => {
            let err = format!("{err:#}");
            tracing::debug!(
                "component {} of {} not compiled ahead: {err}",
                item.component,
                item.pack
            );
            WarmOutcome::Failed(err)
        }
    }
}

/// Creates `dir` and its parents, private to the user as the runner host makes them.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::{WarmItem, warm};
    use crate::base::interrupt::Interrupt;

    #[test]
    fn a_cache_that_cannot_be_written_is_not_compiled_into() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cachefile");
        std::fs::write(&root, b"not a folder").unwrap();
        let items = vec![WarmItem {
            pack: "missing".into(),
            pack_path: dir.path().join("missing.gtpack"),
            component: "c".into(),
        }];
        let stats = warm(&root, &items, &Interrupt::default(), &mut |_| {});
        assert_eq!((stats.compiled, stats.failed), (0, 0), "{stats:?}");
        assert!(root.is_file());
    }
}
