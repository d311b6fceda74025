//! `cargo xtask assess --csv FILE --month YYYY-MM [--by department|street] [--settings FILE]`:
//! recompute a published league table from the open CSV and settings.
//!
//! The table is computed by the same `shared::assessment::league` the Worker runs and printed
//! as the Worker serves it (`serde_json::to_string_pretty`, no trailing newline), so
//! `GET /api/v1/open/assessment?month=..&by=..` and this command's output are byte-identical.
//! See `docs/assessment.md`.

use crate::Result;
use shared::assessment::{self, AssessmentSettings, AssessmentSettingsInput, GroupBy};
use std::io::Write;
use std::path::PathBuf;

const USAGE: &str = "usage: cargo xtask assess --csv FILE --month YYYY-MM [--by department|street] [--settings FILE]";

#[derive(Debug, PartialEq)]
struct Options {
    csv: PathBuf,
    month: String,
    by: GroupBy,
    settings: Option<PathBuf>,
}

fn options(args: &[String]) -> Result<Options> {
    let (mut csv, mut month, mut by, mut settings) = (None, None, None, None);
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let slot_taken = match flag.as_str() {
            "--csv" => csv.replace(PathBuf::from(value)).is_some(),
            "--settings" => settings.replace(PathBuf::from(value)).is_some(),
            "--month" if assessment::is_month(value) => month.replace(value.clone()).is_some(),
            "--month" => return Err(format!("--month {value:?}: expected YYYY-MM, e.g. 2026-11")),
            "--by" => match GroupBy::parse(value) {
                Some(g) => by.replace(g).is_some(),
                None => return Err(format!("--by {value:?}: expected department or street")),
            },
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        };
        if slot_taken {
            return Err(format!("{flag} given twice\n{USAGE}"));
        }
    }
    Ok(Options {
        csv: csv.ok_or_else(|| format!("--csv is required\n{USAGE}"))?,
        month: month.ok_or_else(|| format!("--month is required\n{USAGE}"))?,
        by: by.unwrap_or(GroupBy::Department),
        settings,
    })
}

/// The published settings read through the admin input type, so a file is checked by the
/// same rules as an admin's change.
fn settings(json: &str) -> Result<AssessmentSettings> {
    let input: AssessmentSettingsInput = serde_json::from_str(json).map_err(|e| e.to_string())?;
    AssessmentSettings::parse(&input).map_err(|errors| {
        errors.0.iter().map(|(field, e)| format!("{field}: {}", e.message)).collect::<Vec<_>>().join("; ")
    })
}

pub fn run(args: &[String]) -> Result<()> {
    let options = options(args)?;
    let read = |path: &PathBuf| std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
    let rows = assessment::from_csv(&read(&options.csv)?).map_err(|e| format!("{}: {e}", options.csv.display()))?;
    let settings = match &options.settings {
        Some(path) => settings(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?,
        None => AssessmentSettings::default(),
    };
    let table = assessment::league(&rows, &options.month, options.by, &settings);
    let json = serde_json::to_string_pretty(&table).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    out.write_all(json.as_bytes()).and_then(|()| out.flush()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_default_to_departments_and_refuse_what_they_do_not_know() {
        assert_eq!(
            options(&args("--month 2026-11 --csv nov.csv")).unwrap(),
            Options { csv: "nov.csv".into(), month: "2026-11".into(), by: GroupBy::Department, settings: None }
        );
        let street = options(&args("--csv a --month 2026-11 --by street --settings s.json")).unwrap();
        assert_eq!((street.by, street.settings), (GroupBy::Street, Some("s.json".into())));
        for (bad, says) in [
            ("--month 2026-11", "--csv is required"),
            ("--csv a", "--month is required"),
            ("--csv a --month 2026-13", "expected YYYY-MM"),
            ("--csv a --month 2026-11 --by ward", "department or street"),
            ("--csv a --month 2026-11 --format json", "unknown option"),
            ("--csv a --month", "--month needs a value"),
            ("--csv a --csv b --month 2026-11", "--csv given twice"),
        ] {
            let e = options(&args(bad)).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn settings_files_are_checked_like_an_admin_change() {
        let published = serde_json::to_string_pretty(&AssessmentSettings::default()).unwrap();
        assert_eq!(settings(&published).unwrap(), AssessmentSettings::default());
        assert_eq!(settings("{}").unwrap(), AssessmentSettings::default());
        assert!(settings(r#"{"min_tickets": 0}"#).unwrap_err().contains("min_tickets"));
        assert!(settings(r#"{"colour": "red"}"#).is_err());
    }
}
