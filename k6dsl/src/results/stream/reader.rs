//! [`Reader`]: k6's `--out json` line by line, with one reused buffer.

use std::io::{self, BufRead};

use super::parse::{parse_line, Scratch};
use super::{Event, Warning};

/// The most warnings a [`Reader`] keeps; later ones are only counted.
const MAX_WARNINGS: usize = 100;

/// The longest line a [`Reader`] reads by default, in bytes (1 MiB); k6's lines are
/// a few hundred bytes. See [`Reader::with_max_line`].
pub const DEFAULT_MAX_LINE: usize = 1 << 20;

/// Reads k6's `--out json` (NDJSON) line by line from any [`BufRead`], reusing one
/// line buffer and one tag buffer: no allocation per line once they are large
/// enough. A line that is not valid (typically the last one, cut when k6 was
/// killed) becomes [`Event::Invalid`] plus a [`Warning`]; every line before it is
/// read as usual. A line longer than a limit ([`DEFAULT_MAX_LINE`], or
/// [`Reader::with_max_line`]) is skipped the same way, read in chunks and dropped
/// as it comes, so that one huge line cannot take the memory it would need.
///
/// ```
/// use k6dsl::results::stream::{Event, Reader};
///
/// let text = concat!(
///     r#"{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}"#, "\n",
///     r#"{"metric":"vus","type":"Point","data":{"time":"2026-11-25T17:25:52.718Z","value":3,"tags":null}}"#, "\n",
/// );
/// let mut reader = Reader::new(text.as_bytes());
/// let mut values = Vec::new();
/// while let Some(event) = reader.next_event()? {
///     if let Event::Point(p) = event {
///         values.push((p.metric.into_owned(), p.value));
///     }
/// }
/// assert_eq!(values, [("vus".to_string(), 3.0)]);
/// assert!(reader.warnings().is_empty());
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    scratch: Scratch,
    line: u64,
    bytes: u64,
    warnings: Vec<Warning>,
    invalid: u64,
    max_line: usize,
    long: u64,
}

impl<R: BufRead> Reader<R> {
    /// A reader over `inner`.
    ///
    /// ```
    /// let reader = k6dsl::results::stream::Reader::new(std::io::empty());
    /// assert_eq!(reader.lines(), 0);
    /// ```
    pub fn new(inner: R) -> Reader<R> {
        Reader {
            inner,
            buf: Vec::with_capacity(1024),
            scratch: Scratch::default(),
            line: 0,
            bytes: 0,
            warnings: Vec::new(),
            invalid: 0,
            max_line: DEFAULT_MAX_LINE,
            long: 0,
        }
    }

    /// The same reader, skipping lines longer than `bytes` (without the newline)
    /// with a [`Warning`] instead of [`DEFAULT_MAX_LINE`]. The reader never holds
    /// more than about `bytes` of a line.
    ///
    /// ```
    /// use k6dsl::results::stream::{Event, Reader};
    ///
    /// let text = format!("{}\n{{\"type\":\"Future\"}}\n", "x".repeat(10_000));
    /// let mut reader = Reader::new(text.as_bytes()).with_max_line(1024);
    /// assert!(matches!(reader.next_event()?, Some(Event::Invalid)));
    /// assert!(matches!(reader.next_event()?, Some(Event::Other(_))));
    /// assert_eq!(reader.long_lines(), 1);
    /// assert_eq!(reader.warnings()[0].too_long, Some(10_000));
    /// assert_eq!(
    ///     reader.warnings()[0].to_string(),
    ///     "line 1: skipped (10000 bytes, longer than the limit of 1024 bytes)"
    /// );
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn with_max_line(mut self, bytes: usize) -> Reader<R> {
        self.max_line = bytes;
        self
    }

    /// The next line's event, `None` at the end of input. Errors are I/O errors
    /// only: malformed lines are [`Event::Invalid`].
    ///
    /// ```
    /// let mut reader = k6dsl::results::stream::Reader::new(&b"not json\n"[..]);
    /// assert!(matches!(reader.next_event()?, Some(k6dsl::results::stream::Event::Invalid)));
    /// assert!(reader.next_event()?.is_none());
    /// assert_eq!(reader.invalid_lines(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn next_event(&mut self) -> io::Result<Option<Event<'_>>> {
        let (n, complete, too_long) = self.read_line()?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        self.bytes += n;
        if too_long {
            self.long += 1;
            self.invalid += 1;
            let length = n - u64::from(complete);
            if self.warnings.len() < MAX_WARNINGS {
                self.warnings.push(Warning {
                    line: self.line,
                    truncated: !complete,
                    too_long: Some(length),
                    message: format!(
                        "{length} bytes, longer than the limit of {} bytes",
                        self.max_line
                    ),
                });
            }
            return Ok(Some(Event::Invalid));
        }
        if self.buf.iter().all(u8::is_ascii_whitespace) {
            return Ok(Some(Event::Blank));
        }
        match parse_line(&self.buf, &mut self.scratch) {
            Ok(event) => Ok(Some(event)),
            Err(e) => {
                self.invalid += 1;
                if self.warnings.len() < MAX_WARNINGS {
                    self.warnings.push(Warning {
                        line: self.line,
                        truncated: !complete,
                        too_long: None,
                        message: e.to_string(),
                    });
                }
                Ok(Some(Event::Invalid))
            }
        }
    }

    /// Reads the next line into `buf`, unless it is longer than the limit: then
    /// it is read in the inner reader's chunks and dropped. Returns the bytes
    /// read, whether the line ended with a newline, and whether it was too long.
    fn read_line(&mut self) -> io::Result<(u64, bool, bool)> {
        self.buf.clear();
        let mut read = 0u64;
        let mut too_long = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok((read, false, too_long));
            }
            let (take, ends) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if !too_long {
                let content = self.buf.len() + take - usize::from(ends);
                if content > self.max_line {
                    too_long = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(&chunk[..take]);
                }
            }
            self.inner.consume(take);
            read += take as u64;
            if ends {
                return Ok((read, true, too_long));
            }
        }
    }

    /// How many bytes the reader holds for the current line: bounded by about
    /// twice the line limit, however long the lines are.
    ///
    /// ```
    /// use std::io::{BufReader, Read};
    ///
    /// // A 10 MB line with no end, read with a 1 KiB limit.
    /// let endless = std::io::repeat(b'x').take(10_000_000);
    /// let mut reader = k6dsl::results::stream::Reader::new(BufReader::new(endless)).with_max_line(1024);
    /// assert!(reader.next_event()?.is_some());
    /// assert!(reader.buffer_capacity() <= 2 * 1024 + 2);
    /// assert_eq!(reader.warnings()[0].too_long, Some(10_000_000));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// How many lines were skipped for being longer than the limit (they count
    /// among [`Reader::invalid_lines`] too).
    pub fn long_lines(&self) -> u64 {
        self.long
    }

    /// The warnings so far (the first 100; [`Reader::invalid_lines`] counts all).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Takes the warnings out of the reader.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings)
    }

    /// How many lines were skipped as invalid.
    pub fn invalid_lines(&self) -> u64 {
        self.invalid
    }

    /// How many lines were read.
    pub fn lines(&self) -> u64 {
        self.line
    }

    /// How many bytes were read.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}
