//! Data sets shared by every VU.

use super::*;

/// A data set loaded once in init code and shared by every VU (`SharedArray`).
///
/// ```
/// use k6dsl::prelude::*;
/// #[derive(serde::Serialize)]
/// struct Item { id: u32, quantity: u32 }
/// let items = DataSet::json_rows("items", &[Item { id: 1, quantity: 2 }]);
/// let flow = Flow::new("buy").steps(|f| {
///     let item = f.row(&items, RowSelection::PerIteration);
///     f.request(Request::post("/cart/items").name("add_item").json_object([
///         ("product_id", item.field("id")),
///         ("quantity", item.field("quantity")),
///     ]));
/// });
/// # let _ = flow;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DataSet {
    ir: ir_code::DataSet,
    problems: Vec<String>,
}

impl DataSet {
    /// Rows serialised to `data/<name>.json` next to the script.
    pub fn json_rows<T: Serialize>(name: impl Into<String>, rows: &[T]) -> Self {
        let name = name.into();
        let mut problems = Vec::new();
        let rows = rows
            .iter()
            .filter_map(|row| {
                serde_json::to_value(row)
                    .map_err(|e| problems.push(format!("a row cannot be serialised: {e}")))
                    .ok()
            })
            .collect();
        DataSet {
            ir: ir_code::DataSet {
                source: DataSource::JsonRows {
                    file: format!("data/{name}.json"),
                    rows,
                },
                name,
            },
            problems,
        }
    }

    /// An existing JSON file holding an array, at `path`: relative to the current
    /// directory of the process that generates (a build script's: its package
    /// directory), or absolute. k6dsl copies it to `data/<name>.json` beside the
    /// script when it generates ([`Script::data_files`](crate::Script::data_files),
    /// a project's `data/`), and the script opens that copy; a file missing then is a
    /// validation problem naming the data set and the path. See [`crate::model::files`].
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let script = Script::new().data(&DataSet::json_file("products", "no/such/products.json"));
    /// let error = script.to_javascript().unwrap_err().to_string();
    /// assert!(error.contains("data set `products`: file: `no/such/products.json` does not exist"), "{error}");
    /// ```
    pub fn json_file(name: impl Into<String>, path: impl Into<String>) -> Self {
        DataSet {
            ir: ir_code::DataSet {
                name: name.into(),
                source: DataSource::JsonFile(path.into()),
            },
            problems: Vec::new(),
        }
    }

    /// An existing CSV file with a header line, at `path`: relative to the current
    /// directory of the process that generates, or absolute, copied to
    /// `data/<name>.csv` beside the script as [`DataSet::json_file`] is. Rows become
    /// objects keyed by the header; every field is a string.
    pub fn csv_file(name: impl Into<String>, path: impl Into<String>) -> Self {
        DataSet {
            ir: ir_code::DataSet {
                name: name.into(),
                source: DataSource::CsvFile(path.into()),
            },
            problems: Vec::new(),
        }
    }

    /// CSV rows written to `data/<name>.csv` next to the script.
    pub fn csv_rows<H: Into<String>, F: Into<String>, R: IntoIterator<Item = F>>(
        name: impl Into<String>,
        header: impl IntoIterator<Item = H>,
        rows: impl IntoIterator<Item = R>,
    ) -> Self {
        let name = name.into();
        DataSet {
            ir: ir_code::DataSet {
                source: DataSource::CsvRows {
                    file: format!("data/{name}.csv"),
                    header: header.into_iter().map(Into::into).collect(),
                    rows: rows
                        .into_iter()
                        .map(|r| r.into_iter().map(Into::into).collect())
                        .collect(),
                },
                name,
            },
            problems: Vec::new(),
        }
    }

    /// The data set's name.
    pub fn name(&self) -> &str {
        &self.ir.name
    }

    /// The model of this data set.
    pub fn to_ir(&self) -> &ir_code::DataSet {
        &self.ir
    }

    pub(crate) fn problems(&self) -> &[String] {
        &self.problems
    }
}
