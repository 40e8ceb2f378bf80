//! `completions bash` loaded in a real bash: `complete -p` names its function, which completes
//! past the first word.

use crate::support::project::{Run, operator};

/// What bash completes for `line` (the cursor at its end) with the operator's bash script
/// loaded as a user loads it.
fn bash_completes(line: &str) -> Vec<String> {
    let script = Run::from(operator().args(["completions", "bash"]).output().unwrap()).stdout;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("greentic-operator.bash");
    std::fs::write(&file, script).unwrap();
    // The function `complete -p` names is called as bash calls it: the command, the word being
    // completed, the word before, with COMP_WORDS / COMP_CWORD set.
    let program = r#"
        source "$1"
        spec=$(complete -p greentic-operator) || exit 3
        fn=$(sed -E 's/.* -F ([^ ]+) .*/\1/' <<< "$spec")
        read -ra COMP_WORDS <<< "$2"
        [[ "$2" == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}
        "$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
        # compgen over the same function, as bash's own machinery would run it
        compgen -W "${COMPREPLY[*]}" -- "${COMP_WORDS[COMP_CWORD]}" > /dev/null || exit 4
    "#;
    let output = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", program, "bash"])
        .arg(&file)
        .arg(line)
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_past_the_first_word() {
    let top = bash_completes("greentic-operator ");
    assert!(top.contains(&"dev".to_string()), "{top:?}");
    let dev = bash_completes("greentic-operator dev ");
    for sub in ["setup", "doctor", "runs", "secrets"] {
        assert!(dev.contains(&sub.to_string()), "{sub}: {dev:?}");
    }
    let flags = bash_completes("greentic-operator dev setup --te");
    assert_eq!(flags, ["--tenant", "--team"].map(String::from), "{flags:?}");
    let domain = bash_completes("greentic-operator dev doctor ");
    assert!(domain.contains(&"messaging".to_string()), "{domain:?}");
    let list = bash_completes("greentic-operator dev secrets l");
    assert_eq!(list, ["list"], "{list:?}");
}
