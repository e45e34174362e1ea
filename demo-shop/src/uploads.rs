//! `POST /uploads`: a `multipart/form-data` upload whose answer says exactly what
//! arrived (file name, content type, size, MD5), so a script can check that k6 sent
//! the file it meant to.

use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::respond::{error, unauthorized};
use crate::state::Shared;
use crate::util::md5_hex;

/// The largest upload body accepted (10 MiB); larger ones get 413, so a test cannot
/// fill the memory.
pub(crate) const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// The file part as received.
struct File {
    filename: String,
    content_type: String,
    bytes: Vec<u8>,
}

fn bad_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, message)
}

/// 413 past [`UPLOAD_LIMIT`], else 400 naming what multer found wrong.
fn malformed(e: MultipartError) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        error(StatusCode::PAYLOAD_TOO_LARGE, "upload larger than 10 MiB")
    } else {
        bad_request(&format!("malformed multipart body: {}", e.body_text()))
    }
}

async fn read_file(field: Field<'_>) -> Result<File, Response> {
    let filename = field
        .file_name()
        .ok_or_else(|| bad_request("the file part has no filename"))?
        .to_owned();
    let content_type = field
        .content_type()
        .ok_or_else(|| bad_request("the file part has no Content-Type"))?
        .to_owned();
    let bytes = field.bytes().await.map_err(malformed)?.to_vec();
    Ok(File {
        filename,
        content_type,
        bytes,
    })
}

async fn read_title(field: Field<'_>) -> Result<String, Response> {
    let bytes = field.bytes().await.map_err(malformed)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| bad_request("the title field is not UTF-8"))
}

/// Reads the `title` field and the `file` part; other parts are skipped.
async fn read_upload(mut multipart: Multipart) -> Result<(String, File), Response> {
    let (mut title, mut file) = (None, None);
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        match field.name() {
            Some("title") if title.is_some() => {
                return Err(bad_request("more than one title field"))
            }
            Some("title") => title = Some(read_title(field).await?),
            Some("file") if file.is_some() => return Err(bad_request("more than one file part")),
            Some("file") => file = Some(read_file(field).await?),
            _ => {}
        }
    }
    let title = title.ok_or_else(|| bad_request("missing the title field"))?;
    let file = file.ok_or_else(|| bad_request("missing the file part"))?;
    Ok((title, file))
}

/// `POST /uploads`: 201 `{"id","title","filename","content_type","size","md5"}`.
pub(crate) async fn upload(
    State(shop): Shared,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if shop.user(&headers).is_none() {
        return unauthorized();
    }
    let Ok(multipart) = multipart else {
        return bad_request("send multipart/form-data with a title field and a file part");
    };
    let (title, file) = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let id = {
        let mut data = shop.data.lock().expect("shop lock");
        data.uploads += 1;
        data.uploads
    };
    let body = json!({
        "id": id,
        "title": title,
        "filename": file.filename,
        "content_type": file.content_type,
        "size": file.bytes.len(),
        "md5": md5_hex(&file.bytes),
    });
    (StatusCode::CREATED, Json(body)).into_response()
}
