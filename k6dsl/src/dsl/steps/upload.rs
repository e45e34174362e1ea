//! Multipart bodies: text fields and the files they upload.

use super::*;
use crate::model::vu::{Part, UploadFile};

/// A file that requests upload in multipart bodies. k6dsl copies it beside the
/// script when it generates (to `data/<name>.<extension>`, byte for byte), and the
/// script opens that copy once per VU in init code (`open(path, "b")`), as k6
/// requires.
///
/// ```
/// use k6dsl::prelude::*;
/// let report = Upload::file("report", "fixtures/q3.pdf").content_type("application/pdf");
/// let upload = Request::post("/uploads")
///     .name("upload")
///     .multipart(Multipart::new().field("title", "Q3").file("file", &report));
/// assert_eq!(report.to_ir().script_file(), "data/report.pdf");
/// # let _ = upload;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Upload {
    ir: UploadFile,
}

impl Upload {
    /// The file at `path` (relative to the current directory of the process that
    /// generates, or absolute), named `name` in the script. The server receives
    /// it under the last part of `path`, as `application/octet-stream`, unless
    /// [`filename`](Upload::filename) and [`content_type`](Upload::content_type)
    /// say otherwise.
    pub fn file(name: impl Into<String>, path: impl Into<String>) -> Self {
        Upload {
            ir: UploadFile {
                name: name.into(),
                path: path.into(),
                filename: None,
                content_type: None,
            },
        }
    }

    /// The file name the server receives.
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.ir.filename = Some(filename.into());
        self
    }

    /// The part's `Content-Type`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.ir.content_type = Some(content_type.into());
        self
    }

    /// The model of this file.
    pub fn to_ir(&self) -> &UploadFile {
        &self.ir
    }
}

/// A `multipart/form-data` body: text fields and files, in order
/// ([`Request::multipart`]). k6 writes the boundary and each part's headers.
///
/// ```
/// use k6dsl::prelude::*;
/// let photo = Upload::file("photo", "fixtures/cat.png").content_type("image/png");
/// let body = Multipart::new().field("caption", "a cat").file("image", &photo);
/// let request = Request::post("/photos").multipart(body);
/// # let _ = request;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct Multipart {
    pub(super) parts: Vec<(String, Part)>,
    pub(super) uploads: Vec<UploadFile>,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// A text field (a run-time value is sent as its text).
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.parts.push((name.into(), Part::Field(value.into().0)));
        self
    }

    /// A file part: `http.file(bytes, filename, contentType)`.
    pub fn file(mut self, name: impl Into<String>, upload: &Upload) -> Self {
        self.parts
            .push((name.into(), Part::File(upload.ir.name.clone())));
        if !self.uploads.contains(&upload.ir) {
            self.uploads.push(upload.ir.clone());
        }
        self
    }
}
