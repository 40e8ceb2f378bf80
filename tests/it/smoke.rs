use crate::support::packs::PackBuilder;
use crate::support::project::Project;

#[test]
fn smoke() {
    let p = Project::new();
    p.pack("messaging", "a.gtpack", &PackBuilder::new("messaging-a").passing("setup_default"));
    p.pack("messaging", "b.gtpack", &PackBuilder::new("messaging-b").failing("setup_default"));
    let r = p.run(&["dev", "setup", "messaging", "--tenant", "acme"]);
    println!("{}\n{}", r.stdout, r.stderr);
    panic!();
}
