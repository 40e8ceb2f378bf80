//! `--junit PATH`: a JUnit XML report, so CI systems show lifecycle flows like tests:
//! one test suite per command, one test case per planned flow (and per device-code login).

use std::io::Cursor;
use std::path::Path;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event as XmlEvent};

use crate::atomic_file::write_atomic;
use crate::device_code::record::ActionOutcome;
use crate::events::Execution;
use crate::plan::{Disposition, Plan};

/// Writes the report of `plan` (and its `execution`, when flows ran) to `path`.
pub fn write_junit(path: &Path, plan: &Plan, execution: Option<&Execution>) -> std::io::Result<()> {
    let xml = render(plan, execution).map_err(std::io::Error::other)?;
    write_atomic(path, &xml)
}

fn render(plan: &Plan, execution: Option<&Execution>) -> Result<Vec<u8>, quick_xml::Error> {
    let suite_name = format!("greentic-operator dev {} {}", plan.action, plan.domain);
    let records = execution.map(|e| e.records.as_slice()).unwrap_or_default();
    let mut cases: Vec<Case> = Vec::new();
    for pack in &plan.packs {
        let classname = format!("{}.{}", plan.domain, pack.label);
        if let Some(error) = &pack.error {
            cases.push(Case {
                classname: classname.clone(),
                name: "(pack)".into(),
                seconds: 0.0,
                result: CaseResult::Error(format!("{}: {error}", pack.path.display())),
            });
        }
        for step in &pack.steps {
            let result = match step.disposition {
                Disposition::Skip { reason } => CaseResult::Skipped(reason.describe().to_string()),
                Disposition::Run => match records
                    .iter()
                    .find(|r| r.pack_path == pack.path && r.flow == step.flow)
                {
                    Some(record) if record.outcome.is_success() => CaseResult::Passed,
                    Some(record) => CaseResult::Failure(format!(
                        "{}\nrun folder: {}",
                        record.outcome.headline().unwrap_or_default(),
                        record.run_dir.display()
                    )),
                    None if execution.is_some() => {
                        CaseResult::Skipped("not started: the command was interrupted".into())
                    }
                    None => CaseResult::Skipped("dry run".into()),
                },
            };
            let seconds = records
                .iter()
                .find(|r| r.pack_path == pack.path && r.flow == step.flow)
                .map_or(0.0, |r| r.duration.as_secs_f64());
            cases.push(Case {
                classname: classname.clone(),
                name: step.flow.clone(),
                seconds,
                result,
            });
        }
        if let Some(action) = execution
            .into_iter()
            .flat_map(|e| &e.actions)
            .find(|a| a.pack_path == pack.path)
        {
            let detail = || {
                format!(
                    "{}\nstate: {}",
                    action.outcome.headline().unwrap_or_default(),
                    action.state_file.display()
                )
            };
            cases.push(Case {
                classname: classname.clone(),
                name: action.action.to_string(),
                seconds: action.duration.as_secs_f64(),
                result: match &action.outcome {
                    ActionOutcome::Complete { .. } => CaseResult::Passed,
                    ActionOutcome::Skipped { reason } => CaseResult::Skipped(reason.clone()),
                    ActionOutcome::Pending { .. } | ActionOutcome::Failed { .. } => {
                        CaseResult::Failure(detail())
                    }
                },
            });
        }
    }
    let count =
        |f: fn(&CaseResult) -> bool| cases.iter().filter(|c| f(&c.result)).count().to_string();
    let total_seconds = execution.map_or(0.0, |e| e.stats.wall_time.as_secs_f64());

    let mut writer = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
    writer.write_event(XmlEvent::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut suites = BytesStart::new("testsuites");
    suites.push_attribute(("name", "greentic-operator"));
    writer.write_event(XmlEvent::Start(suites))?;
    let mut suite = BytesStart::new("testsuite");
    suite.push_attribute(("name", suite_name.as_str()));
    suite.push_attribute(("tests", cases.len().to_string().as_str()));
    suite.push_attribute((
        "failures",
        count(|r| matches!(r, CaseResult::Failure(_))).as_str(),
    ));
    suite.push_attribute((
        "errors",
        count(|r| matches!(r, CaseResult::Error(_))).as_str(),
    ));
    suite.push_attribute((
        "skipped",
        count(|r| matches!(r, CaseResult::Skipped(_))).as_str(),
    ));
    suite.push_attribute(("time", format!("{total_seconds:.3}").as_str()));
    writer.write_event(XmlEvent::Start(suite))?;
    for case in &cases {
        let mut start = BytesStart::new("testcase");
        start.push_attribute(("classname", case.classname.as_str()));
        start.push_attribute(("name", case.name.as_str()));
        start.push_attribute(("time", format!("{:.3}", case.seconds).as_str()));
        let (tag, message) = match &case.result {
            CaseResult::Passed => {
                writer.write_event(XmlEvent::Empty(start))?;
                continue;
            }
            CaseResult::Failure(message) => ("failure", message),
            CaseResult::Error(message) => ("error", message),
            CaseResult::Skipped(message) => ("skipped", message),
        };
        writer.write_event(XmlEvent::Start(start))?;
        let first_line = message.lines().next().unwrap_or_default();
        let mut inner = BytesStart::new(tag);
        inner.push_attribute(("message", first_line));
        writer.write_event(XmlEvent::Start(inner))?;
        writer.write_event(XmlEvent::Text(BytesText::new(message)))?;
        writer.write_event(XmlEvent::End(BytesEnd::new(tag)))?;
        writer.write_event(XmlEvent::End(BytesEnd::new("testcase")))?;
    }
    writer.write_event(XmlEvent::End(BytesEnd::new("testsuite")))?;
    writer.write_event(XmlEvent::End(BytesEnd::new("testsuites")))?;
    let mut bytes = writer.into_inner().into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

struct Case {
    classname: String,
    name: String,
    seconds: f64,
    result: CaseResult,
}

enum CaseResult {
    Passed,
    Failure(String),
    Error(String),
    Skipped(String),
}
