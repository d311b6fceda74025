//! Volume history from older systems (`date,category,count` CSV): daily counts that count as
//! forecasting history beside Huiyin's own tickets. An empty category is the whole city; a
//! category is a code at any level or a first-level name, and is kept as its first-level family.

use crate::catalogue::{Catalogue, CategoryCode};
use crate::import_csv::Records;
use chrono::NaiveDate;
use serde::Serialize;

/// One day's count of one family (`None`: every category).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyCount {
    pub day: NaiveDate,
    pub family: Option<String>,
    pub count: u32,
}

/// Where a row fails: 1-based data row (the header is row 0) and the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyCountError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// Enough for a century of daily counts per family of a large city.
pub const MAX_ROWS: usize = 100_000;
const MAX_COUNT: u32 = 10_000_000;

fn error(row: usize, column: &str, message: impl Into<String>) -> DailyCountError {
    DailyCountError { row, column: column.to_owned(), message: message.into() }
}

fn family(catalogue: &Catalogue, raw: &str) -> Option<String> {
    let code = CategoryCode::parse(raw).or_else(|| catalogue.resolve(raw))?;
    catalogue.contains(&code.level1()).then(|| code.level1().as_str().to_owned())
}

/// Every row or every problem (at most 50 reported); a repeated (date, category) is a problem,
/// since summing or overwriting it silently would both be guesses.
pub fn parse(text: &str, catalogue: &Catalogue) -> Result<Vec<DailyCount>, Vec<DailyCountError>> {
    let mut records = Records::new(text).filter(|r| !r.blank);
    let header: Vec<String> =
        records.next().map(|r| r.cells.iter().map(|c| c.trim().to_lowercase()).collect()).unwrap_or_default();
    if header != ["date", "category", "count"] {
        return Err(vec![error(0, "header", "the header must be date,category,count")]);
    }
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    let mut seen = std::collections::HashSet::new();
    for (i, record) in records.enumerate() {
        let row = i + 1;
        if row > MAX_ROWS {
            errors.push(error(row, "row", format!("at most {MAX_ROWS} rows per import")));
            break;
        }
        if let Some((cell, problem)) = record.problem {
            errors.push(error(row, ["date", "category", "count"].get(cell).unwrap_or(&"row"), problem));
            continue;
        }
        let [date, category, count] = record.cells.as_slice() else {
            errors.push(error(row, "row", "three cells: date,category,count"));
            continue;
        };
        let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d");
        let family = match category.trim() {
            "" => Ok(None),
            raw => family(catalogue, raw).map(Some).ok_or(()),
        };
        let count = count.trim().parse::<u32>().ok().filter(|n| *n <= MAX_COUNT);
        match (day, family, count) {
            (Ok(day), Ok(family), Some(count)) => {
                if seen.insert((day, family.clone())) {
                    rows.push(DailyCount { day, family, count });
                } else {
                    errors.push(error(row, "date", "this date and category appear twice"));
                }
            }
            (day, family, count) => {
                if day.is_err() {
                    errors.push(error(row, "date", "a date like 2019-06-30"));
                }
                if family.is_err() {
                    errors.push(error(row, "category", "a category code or first-level name, or empty for all"));
                }
                if count.is_none() {
                    errors.push(error(row, "count", format!("a whole number from 0 to {MAX_COUNT}")));
                }
            }
        }
        if errors.len() >= 50 {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_the_family_and_an_empty_category_is_the_city() {
        let csv = "date,category,count\r\n2019-06-30,,120\r\n2019-06-30,01.02.01,7\r\n2019-07-01,环境保护,3\r\n";
        let rows = parse(csv, Catalogue::builtin()).unwrap();
        assert_eq!(
            rows[0],
            DailyCount { day: NaiveDate::from_ymd_opt(2019, 6, 30).unwrap(), family: None, count: 120 }
        );
        assert_eq!(rows[1].family.as_deref(), Some("01"));
        assert_eq!(rows[2].family.as_deref(), Some("04"));
    }

    #[test]
    fn each_problem_names_its_row_and_column() {
        let csv =
            "date,category,count\n2019-13-01,01,5\n2019-06-01,不存在的类别,x\n2019-06-02,01,1\n2019-06-02,01.02,2\n";
        let errors = parse(csv, Catalogue::builtin()).unwrap_err();
        let at: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(at, [(1, "date"), (2, "category"), (2, "count"), (4, "date")]);
        let bad_header = parse("day,count\n", Catalogue::builtin()).unwrap_err();
        assert_eq!(bad_header[0].column, "header");
    }
}
