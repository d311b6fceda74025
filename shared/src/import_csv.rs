//! CSV for the bulk import: UTF-8 (an optional byte-order mark), a header row naming the
//! columns, then one ticket per record, quoted as RFC 4180 says — a quoted cell may hold
//! commas, doubled quotes `""` and line breaks; records end with CRLF or LF.
//!
//! Columns are the keys of [`ImportRowInput`]: `external_id, title, description, category,
//! created_at` are required, `closed_at, status, lat, lng, department, channel` optional, in
//! any order. An empty cell is an absent value. Only the shape is checked here; what the
//! values mean is [`crate::import::ImportRow::parse`]'s job, as for NDJSON.
//!
//! Rows are numbered from 1 after the header; a record whose quoted cell spans several lines
//! is one row, and blank lines are not rows. A header problem (an unknown, repeated or
//! missing column) refuses the whole file: it is reported as row 0, naming the column.

use crate::error::FieldErrorCode;
use crate::import::{ImportRowInput, RowError};

/// Columns every file must have.
pub const REQUIRED_COLUMNS: [&str; 5] = ["external_id", "title", "description", "category", "created_at"];
/// Columns a file may have.
pub const OPTIONAL_COLUMNS: [&str; 6] = ["closed_at", "status", "lat", "lng", "department", "channel"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    ExternalId,
    Title,
    Description,
    Category,
    CreatedAt,
    ClosedAt,
    Status,
    Lat,
    Lng,
    Department,
    Channel,
}

impl Column {
    const ALL: [Column; 11] = [
        Column::ExternalId,
        Column::Title,
        Column::Description,
        Column::Category,
        Column::CreatedAt,
        Column::ClosedAt,
        Column::Status,
        Column::Lat,
        Column::Lng,
        Column::Department,
        Column::Channel,
    ];

    fn name(self) -> &'static str {
        match self {
            Column::ExternalId => "external_id",
            Column::Title => "title",
            Column::Description => "description",
            Column::Category => "category",
            Column::CreatedAt => "created_at",
            Column::ClosedAt => "closed_at",
            Column::Status => "status",
            Column::Lat => "lat",
            Column::Lng => "lng",
            Column::Department => "department",
            Column::Channel => "channel",
        }
    }

    /// Header names are matched without surrounding spaces and ignoring ASCII case.
    fn parse(name: &str) -> Option<Column> {
        let name = name.trim().to_ascii_lowercase();
        Column::ALL.into_iter().find(|c| c.name() == name)
    }
}

const UNCLOSED_QUOTE: &str = "a quoted cell is never closed: the rest of the file was read into it";
const TEXT_AFTER_QUOTE: &str = "text follows the closing quote of a quoted cell (write a quote inside one as \"\")";

/// One record as read: its cells, and the first cell (0-based) whose quoting is broken.
pub(crate) struct Record {
    pub(crate) cells: Vec<String>,
    pub(crate) problem: Option<(usize, &'static str)>,
    /// An empty or spaces-only line with no quotes: not a row.
    pub(crate) blank: bool,
}

/// Splits the text into records, RFC 4180 style: commas separate cells, CRLF, LF or a lone CR
/// ends a record outside quotes. A quote opens a quoted cell only as the cell's first character;
/// elsewhere in an unquoted cell it is kept as written.
pub(crate) struct Records<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
}

impl<'a> Records<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Records { chars: text.strip_prefix('\u{feff}').unwrap_or(text).chars().peekable() }
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        self.chars.peek()?;
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut problem = None;
        // The current cell began with a quote; `in_quotes` while that quote is open.
        let mut quoted = false;
        let mut in_quotes = false;
        let mut any_quote = false;
        loop {
            let Some(c) = self.chars.next() else {
                if in_quotes {
                    problem.get_or_insert((cells.len(), UNCLOSED_QUOTE));
                }
                break;
            };
            if in_quotes {
                if c != '"' {
                    cell.push(c);
                } else if self.chars.peek() == Some(&'"') {
                    self.chars.next();
                    cell.push('"');
                } else {
                    in_quotes = false;
                }
                continue;
            }
            match c {
                ',' => {
                    cells.push(std::mem::take(&mut cell));
                    quoted = false;
                }
                '\n' => break,
                '\r' => {
                    if self.chars.peek() == Some(&'\n') {
                        self.chars.next();
                    }
                    break;
                }
                '"' if cell.is_empty() && !quoted => {
                    quoted = true;
                    in_quotes = true;
                    any_quote = true;
                }
                // Spaces after a closing quote are tolerated; anything else is a broken cell.
                ' ' | '\t' if quoted => {}
                _ if quoted => {
                    problem.get_or_insert((cells.len(), TEXT_AFTER_QUOTE));
                    cell.push(c);
                }
                _ => cell.push(c),
            }
        }
        cells.push(cell);
        let blank = !any_quote && cells.len() == 1 && cells[0].trim().is_empty();
        Some(Record { cells, problem, blank })
    }
}

/// Why a file's header refuses the whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderError {
    /// `unknown_field` (an unknown column), `taken` (a repeated one), `required` (a missing one)
    /// or `invalid_format` (no header, an empty or broken cell: `error.field` is then `header`).
    pub code: FieldErrorCode,
    /// Row 0, `field` naming the column.
    pub error: RowError,
}

/// The data rows of a CSV file whose header was accepted.
pub struct CsvRows<'a> {
    records: Records<'a>,
    columns: Vec<Column>,
    row: usize,
}

/// Read the header. `Err` is the one reason the whole file is refused, as row 0 with `field`
/// naming the column (or `header` when the header row itself is missing or broken).
pub fn read(text: &str) -> Result<CsvRows<'_>, HeaderError> {
    let header_error = |code: FieldErrorCode, field: &str, message: String| HeaderError {
        code,
        error: RowError { row: 0, field: field.to_owned(), message },
    };
    let mut records = Records::new(text);
    let header = records.by_ref().find(|r| !r.blank).ok_or_else(|| {
        header_error(
            FieldErrorCode::InvalidFormat,
            "header",
            "the file is empty: the first line names the columns".to_owned(),
        )
    })?;
    if let Some((_, message)) = header.problem {
        return Err(header_error(
            FieldErrorCode::InvalidFormat,
            "header",
            format!("the header row is malformed: {message}"),
        ));
    }
    let mut columns = Vec::with_capacity(header.cells.len());
    for (index, name) in header.cells.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            return Err(header_error(
                FieldErrorCode::InvalidFormat,
                "header",
                format!("header cell {} is empty: every column needs a name", index + 1),
            ));
        }
        let Some(column) = Column::parse(name) else {
            return Err(header_error(
                FieldErrorCode::UnknownField,
                name,
                format!(
                    "unknown column {name}: columns are {} (required) and {}",
                    REQUIRED_COLUMNS.join(", "),
                    OPTIONAL_COLUMNS.join(", ")
                ),
            ));
        };
        if columns.contains(&column) {
            return Err(header_error(
                FieldErrorCode::Taken,
                name,
                format!("the column {name} appears twice in the header"),
            ));
        }
        columns.push(column);
    }
    if let Some(missing) = REQUIRED_COLUMNS.iter().find(|required| !columns.iter().any(|c| c.name() == **required)) {
        return Err(header_error(
            FieldErrorCode::Required,
            missing,
            format!("the required column {missing} is missing from the header"),
        ));
    }
    Ok(CsvRows { records, columns, row: 0 })
}

impl CsvRows<'_> {
    /// The columns of the header, in file order.
    pub fn columns(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name()).collect()
    }

    fn row_input(&self, record: Record) -> Result<ImportRowInput, Vec<RowError>> {
        let row = self.row;
        let error = |field: &str, message: String| RowError { row, field: field.to_owned(), message };
        if let Some((index, message)) = record.problem {
            let field = self.columns.get(index).map_or("row", |c| c.name());
            return Err(vec![error(field, message.to_owned())]);
        }
        if record.cells.len() != self.columns.len() {
            return Err(vec![error(
                "row",
                format!("{} cells where the header has {} columns", record.cells.len(), self.columns.len()),
            )]);
        }
        let mut input = ImportRowInput::default();
        let mut errors = Vec::new();
        for (column, cell) in self.columns.iter().zip(record.cells) {
            if cell.trim().is_empty() {
                continue;
            }
            let text = |slot: &mut Option<String>| *slot = Some(cell.clone());
            match column {
                Column::ExternalId => text(&mut input.external_id),
                Column::Title => text(&mut input.title),
                Column::Description => text(&mut input.description),
                Column::Category => text(&mut input.category),
                Column::CreatedAt => text(&mut input.created_at),
                Column::ClosedAt => text(&mut input.closed_at),
                Column::Status => text(&mut input.status),
                Column::Department => text(&mut input.department),
                Column::Channel => text(&mut input.channel),
                Column::Lat | Column::Lng => match number(&cell) {
                    Some(value) if *column == Column::Lat => input.lat = Some(value),
                    Some(value) => input.lng = Some(value),
                    None => errors.push(error(
                        column.name(),
                        format!("{} must be a decimal number of degrees, not {}", column.name(), cell.trim()),
                    )),
                },
            }
        }
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }
}

/// A plain decimal number (`28.2`, `-1e-3`); not `NaN` or `inf`.
fn number(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

impl Iterator for CsvRows<'_> {
    /// The 1-based row number and the row's values, or why its cells could not be read.
    type Item = (usize, Result<ImportRowInput, Vec<RowError>>);

    fn next(&mut self) -> Option<Self::Item> {
        let record = self.records.by_ref().find(|r| !r.blank)?;
        self.row += 1;
        Some((self.row, self.row_input(record)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;
    use crate::city::CityConfig;
    use crate::import::ImportRow;

    const HEADER: &str = "external_id,title,description,category,created_at";

    fn rows(text: &str) -> Vec<(usize, Result<ImportRowInput, Vec<RowError>>)> {
        read(text).unwrap().collect()
    }

    fn fields(errors: &[RowError]) -> Vec<(usize, &str)> {
        errors.iter().map(|e| (e.row, e.field.as_str())).collect()
    }

    #[test]
    fn a_plain_file_reads_row_by_row() {
        let text = format!("{HEADER}\n1,占道施工,人行道被圈入围墙内。,城乡建设,2020-01-06 12:09:38\n2,噪音,夜里很吵,环境保护,2020-01-07\n");
        let got = rows(&text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 1);
        let first = got[0].1.clone().unwrap();
        assert_eq!(first.external_id.as_deref(), Some("1"));
        assert_eq!(first.title.as_deref(), Some("占道施工"));
        assert_eq!(first.category.as_deref(), Some("城乡建设"));
        assert_eq!(first.created_at.as_deref(), Some("2020-01-06 12:09:38"));
        assert_eq!(first.lat, None);
        assert_eq!(got[1].0, 2);
        assert_eq!(got[1].1.clone().unwrap().description.as_deref(), Some("夜里很吵"));
    }

    #[test]
    fn quoting_keeps_commas_quotes_and_line_breaks_in_one_cell() {
        let text = format!(
            "\u{feff}{HEADER}\r\n7,\"路灯, 不亮\",\"第一行\r\n他说：\"\"修好了\"\"\n第三行\",01,2020-01-06\r\n8,b,c,01,2020-01-06\r\n"
        );
        let got = rows(&text);
        assert_eq!(got.len(), 2, "the multi-line cell is one row");
        let first = got[0].1.clone().unwrap();
        assert_eq!(first.title.as_deref(), Some("路灯, 不亮"));
        assert_eq!(first.description.as_deref(), Some("第一行\r\n他说：\"修好了\"\n第三行"));
        assert_eq!(got[1].0, 2, "rows count records, not lines");
        assert_eq!(got[1].1.clone().unwrap().external_id.as_deref(), Some("8"));
    }

    #[test]
    fn columns_in_any_order_with_optional_ones_and_empty_cells_absent() {
        let text = "Title , external_id,lat,lng,category,description,created_at,closed_at,status,department,channel\n\
                    灯,x1,28.2,112.95,01,d,2020-01-06,,,,\n\
                    灯,x2,,,01,d,2020-01-06,2020-01-08,closed,市城市管理局,phone\n";
        let got = rows(text);
        let first = got[0].1.clone().unwrap();
        assert_eq!(first.external_id.as_deref(), Some("x1"));
        assert_eq!((first.lat, first.lng), (Some(28.2), Some(112.95)));
        assert_eq!((first.closed_at, first.status, first.department, first.channel), (None, None, None, None));
        let second = got[1].1.clone().unwrap();
        assert_eq!((second.lat, second.lng), (None, None));
        assert_eq!(second.status.as_deref(), Some("closed"));
        assert_eq!(second.department.as_deref(), Some("市城市管理局"));
    }

    #[test]
    fn an_unknown_or_repeated_column_refuses_the_file_naming_it() {
        let e = read("external_id,title,description,category,created_at,priority\n1,a,b,01,2020-01-06,high\n")
            .err()
            .unwrap();
        assert_eq!((e.error.row, e.error.field.as_str(), e.code), (0, "priority", FieldErrorCode::UnknownField));
        assert!(e.error.message.contains("unknown column priority"), "{}", e.error.message);
        let e = read("external_id,title,title,description,category,created_at\n").err().unwrap();
        assert_eq!((e.error.row, e.error.field.as_str(), e.code), (0, "title", FieldErrorCode::Taken));
        let e = read("external_id,,title,description,category,created_at\n").err().unwrap();
        assert_eq!((e.error.row, e.error.field.as_str()), (0, "header"));
    }

    #[test]
    fn a_missing_required_column_refuses_the_file_naming_it() {
        let e = read("external_id,title,category,created_at\n1,a,01,2020-01-06\n").err().unwrap();
        assert_eq!((e.error.row, e.error.field.as_str(), e.code), (0, "description", FieldErrorCode::Required));
        for empty in ["", "\u{feff}", "\n\n", "\r\n"] {
            let e = read(empty).err().unwrap();
            assert_eq!((e.error.row, e.error.field.as_str()), (0, "header"), "{empty:?}");
        }
    }

    #[test]
    fn bad_cells_are_row_errors_that_name_the_field() {
        let text = format!(
            "{HEADER},lat,lng\n\
             1,a,b,01,2020-01-06,north,112.9\n\
             2,a,b,01,2020-01-06,NaN,east\n\
             3,a,b,01\n\
             4,a,b,01,2020-01-06,28.2,112.9,extra\n\
             5,\"a\"x,b,01,2020-01-06,,\n\
             6,a,b,01,2020-01-06,28.2,112.9\n"
        );
        let got = rows(&text);
        let errors: Vec<RowError> = got.iter().filter_map(|(_, r)| r.clone().err()).flatten().collect();
        assert_eq!(
            fields(&errors),
            vec![(1, "lat"), (2, "lat"), (2, "lng"), (3, "row"), (4, "row"), (5, "title")],
            "{errors:?}"
        );
        assert!(got[5].1.is_ok(), "a bad row never stops the good ones");
        assert_eq!(got[5].0, 6);
    }

    #[test]
    fn an_unclosed_quote_swallows_the_rest_and_says_so() {
        let text = format!("{HEADER}\n1,a,b,01,2020-01-06\n2,a,\"b,01,2020-01-06\n3,a,b,01,2020-01-06\n");
        let got = rows(&text);
        assert_eq!(got.len(), 2);
        let errors = got[1].1.clone().unwrap_err();
        assert_eq!(fields(&errors), vec![(2, "description")]);
        assert!(errors[0].message.contains("never closed"));
    }

    #[test]
    fn blank_lines_are_not_rows_and_quotes_inside_unquoted_cells_are_kept() {
        let text = format!("\n{HEADER}\n\n1,5\"灯,b,01,2020-01-06\n   \n2,a,b,01,2020-01-06");
        let got = rows(&text);
        assert_eq!(got.iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(got[0].1.clone().unwrap().title.as_deref(), Some("5\"灯"));
        assert_eq!(got[1].1.clone().unwrap().created_at.as_deref(), Some("2020-01-06"), "no final line break");
    }

    #[test]
    fn a_lone_cr_ends_a_record_and_an_empty_quoted_cell_is_absent() {
        let text = format!("{HEADER},department\r1,a,b,01,2020-01-06,\"\"\r");
        let got = rows(&text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1.clone().unwrap().department, None);
    }

    #[test]
    fn rows_parse_like_ndjson_rows() {
        let text = "external_id,title,description,category,created_at,lat,lng\n\
                    24,A市西湖建筑集团占道施工有安全隐患,\"人行道包括路灯杆被圈入施工围墙内，\n上下班期间安全隐患大。\",城乡建设,2020-01-06 12:09:38,28.2,112.95\n";
        let (_, input) = read(text).unwrap().next().unwrap();
        let row = ImportRow::parse(&input.unwrap(), Catalogue::builtin(), &CityConfig::demo()).unwrap();
        assert_eq!(row.category.as_str(), "01");
        assert_eq!(row.description, "人行道包括路灯杆被圈入施工围墙内，\n上下班期间安全隐患大。");
        assert!(row.point.is_some());
    }

    /// Quote a cell as a spreadsheet would.
    fn quote(cell: &str) -> String {
        if cell.contains([',', '"', '\n', '\r']) || cell.starts_with(' ') {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.to_owned()
        }
    }

    proptest::proptest! {
        #[test]
        fn whatever_is_quoted_reads_back(
            cells in proptest::collection::vec("[a-z0-9 ,\"\r\n市区灯]{1,12}", 5),
            crlf in proptest::bool::ANY,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let line = cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
            let text = format!("{HEADER}{end}{line}{end}{line}{end}");
            let got = rows(&text);
            proptest::prop_assert_eq!(got.len(), 2);
            for (_, input) in got {
                let input = input.unwrap();
                let expect = |c: &String| if c.trim().is_empty() { None } else { Some(c.clone()) };
                proptest::prop_assert_eq!(input.external_id, expect(&cells[0]));
                proptest::prop_assert_eq!(input.title, expect(&cells[1]));
                proptest::prop_assert_eq!(input.description, expect(&cells[2]));
                proptest::prop_assert_eq!(input.category, expect(&cells[3]));
                proptest::prop_assert_eq!(input.created_at, expect(&cells[4]));
            }
        }

        #[test]
        fn any_text_reads_without_panicking(text in "[a-z,\"\r\n ]{0,80}") {
            let with_header = format!("{HEADER}\n{text}");
            for (_, row) in rows(&with_header) {
                let _ = row;
            }
            let _ = read(&text).map(Iterator::count);
        }
    }
}
