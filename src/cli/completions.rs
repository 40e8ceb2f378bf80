//! `greentic-operator completions <shell>`: clap_complete's script, with the bash script's
//! case arms repaired for a hyphenated binary name.

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;

const BIN: &str = "greentic-operator";

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    match shell {
        Shell::Bash => repair_bash(&String::from_utf8_lossy(&out), BIN).into_bytes(),
        _ => out,
    }
}

/// clap_complete 4.6 names the command `greentic__operator` where it walks the words, but
/// spells the case arm of each subcommand `greentic__subcmd__operator__...` (the hyphen of the
/// binary name taken for a subcommand separator; clap issues 6421 and 6529), so no arm below
/// the top matches and completion stops after the first word. The arms are renamed to the
/// name the walk gives.
fn repair_bash(script: &str, bin: &str) -> String {
    let walked = bin.replace('-', "__");
    let armed = bin.replace('-', "__subcmd__");
    if walked == armed {
        return script.to_string();
    }
    script.replace(&armed, &walked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_arm_of_the_bash_script_is_named_as_the_walk_names_it() {
        let script = String::from_utf8(script(Shell::Bash)).unwrap();
        assert!(!script.contains("greentic__subcmd__operator"));
        assert!(script.contains("        greentic__operator__subcmd__dev)"));
    }
}
