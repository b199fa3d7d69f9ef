//! Opening metadata files, decompressing them according to their magic bytes.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::RepodataError;

/// Size of the buffer between the decompressor and the XML parser.
const OUTPUT_BUFFER: usize = 256 * 1024;
/// Size of the buffer between the file and the decompressor.
const INPUT_BUFFER: usize = 64 * 1024;

/// A compression format of a metadata file, as detected from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// gzip (`1F 8B`), possibly with several members.
    Gzip,
    /// xz (`FD 37 7A 58 5A 00`).
    Xz,
    /// zstd (`28 B5 2F FD`).
    Zstd,
    /// bzip2 (`BZh`).
    Bzip2,
    /// Not compressed: plain XML.
    None,
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compression::Gzip => "gzip",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
            Compression::None => "uncompressed",
        })
    }
}

impl Compression {
    /// Detects the format from the first bytes of a file, or `None` when
    /// they are neither a known compression magic nor the start of XML
    /// (`<`, whitespace or a UTF-8 byte order mark).
    pub fn detect(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1F, 0x8B]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
            Some(Compression::Xz)
        } else if head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
            Some(Compression::Zstd)
        } else if head.starts_with(b"BZh") {
            Some(Compression::Bzip2)
        } else if head.starts_with(&[0xEF, 0xBB, 0xBF])
            || matches!(head.first(), Some(b'<' | b' ' | b'\t' | b'\r' | b'\n'))
        {
            Some(Compression::None)
        } else {
            None
        }
    }
}

/// A decompressing reader over a metadata file.
pub struct Decompressed {
    /// The decompressed bytes, buffered.
    pub reader: Box<dyn BufRead + Send>,
    /// The format that was detected.
    pub format: Compression,
}

impl fmt::Debug for Decompressed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decompressed")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// Opens `path` and returns a buffered reader of its decompressed content,
/// choosing the decompressor by the file's magic bytes (not its name).
pub fn open_decompressed(path: &Path) -> Result<Decompressed, RepodataError> {
    let file = ebranch_fs::open_regular(path).map_err(|e| RepodataError::io(path, e))?;
    let mut input = BufReader::with_capacity(INPUT_BUFFER, file);
    let head = input.fill_buf().map_err(|e| RepodataError::io(path, e))?;
    let Some(format) = Compression::detect(head) else {
        let magic = if head.is_empty() {
            "nothing (empty file)".to_string()
        } else {
            let shown = &head[..head.len().min(8)];
            format!("bytes {}", hex::encode(shown))
        };
        return Err(RepodataError::UnknownCompression {
            path: path.to_path_buf(),
            magic,
        });
    };
    let decoder: Box<dyn Read + Send> = match format {
        Compression::None => {
            return Ok(Decompressed {
                reader: Box::new(BufReader::with_capacity(OUTPUT_BUFFER, input)),
                format,
            });
        }
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
        Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(input)),
        Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(input)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(input).map_err(
            |e| RepodataError::Decompress {
                path: path.to_path_buf(),
                format,
                message: e.to_string(),
            },
        )?),
    };
    let reader: Box<dyn BufRead + Send> = if crate::has_second_core() {
        match Pipe::spawn(decoder) {
            Ok(pipe) => Box::new(pipe),
            Err(decoder) => Box::new(BufReader::with_capacity(OUTPUT_BUFFER, decoder)),
        }
    } else {
        Box::new(BufReader::with_capacity(OUTPUT_BUFFER, decoder))
    };
    Ok(Decompressed { reader, format })
}

type Decoder = Box<dyn Read + Send>;

/// Chunks in flight between the decompressing thread and the parser.
const PIPE_DEPTH: usize = 4;

/// A reader fed by a thread that decompresses ahead, so that decompression
/// and XML parsing run on two cores. Chunks are recycled, not reallocated.
struct Pipe {
    chunks: Receiver<io::Result<Vec<u8>>>,
    recycle: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
    done: bool,
}

impl Pipe {
    /// Starts the decompressing thread; gives the decoder back if no
    /// thread can be started.
    fn spawn(decoder: Decoder) -> Result<Pipe, Decoder> {
        let (send_chunk, chunks) = sync_channel::<io::Result<Vec<u8>>>(PIPE_DEPTH);
        let (recycle, recycled) = sync_channel::<Vec<u8>>(PIPE_DEPTH + 2);
        // The decoder goes through a shared slot so that it can be taken
        // back when the thread cannot be created.
        let slot = Arc::new(Mutex::new(Some(decoder)));
        let thread_slot = Arc::clone(&slot);
        let spawned = std::thread::Builder::new()
            .name("ebranch-decompress".to_string())
            .spawn(move || {
                let taken = thread_slot
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                if let Some(decoder) = taken {
                    produce(decoder, &send_chunk, &recycled);
                }
            });
        match spawned {
            Ok(_) => Ok(Pipe {
                chunks,
                recycle,
                current: Vec::new(),
                pos: 0,
                done: false,
            }),
            Err(_) => {
                let decoder = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                Err(decoder.unwrap_or_else(|| Box::new(io::empty())))
            }
        }
    }
}

/// The decompressing thread's loop: fills chunks (recycled when the
/// reader hands them back) and sends them until the end of the stream, an
/// error (sent on), or the reader going away.
fn produce(
    mut decoder: Decoder,
    send_chunk: &SyncSender<io::Result<Vec<u8>>>,
    recycled: &Receiver<Vec<u8>>,
) {
    loop {
        let mut chunk = recycled.try_recv().unwrap_or_default();
        chunk.resize(OUTPUT_BUFFER, 0);
        let mut filled = 0;
        let result = loop {
            if filled == chunk.len() {
                break Ok(());
            }
            match decoder.read(&mut chunk[filled..]) {
                Ok(0) => break Ok(()),
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        chunk.truncate(filled);
        let finished = filled == 0;
        if filled > 0 && send_chunk.send(Ok(chunk)).is_err() {
            return; // the reader was dropped
        }
        if let Err(e) = result {
            let _ = send_chunk.send(Err(e));
            return;
        }
        if finished {
            return; // dropping the sender signals the end
        }
    }
}

impl Read for Pipe {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl Pipe {
    /// Waits for the next chunk (the slow path of `fill_buf`).
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> io::Result<()> {
        while self.pos == self.current.len() && !self.done {
            match self.chunks.recv() {
                Ok(Ok(chunk)) => {
                    let old = std::mem::replace(&mut self.current, chunk);
                    let _ = self.recycle.try_send(old);
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => self.done = true,
            }
        }
        Ok(())
    }
}

impl BufRead for Pipe {
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.current.len() && !self.done {
            self.refill()?;
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.current.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn roundtrip(format: Compression, bytes: Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        let mut d = open_decompressed(&path).unwrap();
        assert_eq!(d.format, format);
        let mut out = String::new();
        d.reader.read_to_string(&mut out).unwrap();
        assert_eq!(out, "<a>hello</a>");
    }

    const XML: &[u8] = b"<a>hello</a>";

    #[test]
    fn detects_and_decodes_every_format() {
        roundtrip(Compression::None, XML.to_vec());

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(XML).unwrap();
        roundtrip(Compression::Gzip, gz.finish().unwrap());

        roundtrip(Compression::Zstd, zstd::encode_all(XML, 3).unwrap());

        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
        xz.write_all(XML).unwrap();
        roundtrip(Compression::Xz, xz.finish().unwrap());

        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        bz.write_all(XML).unwrap();
        roundtrip(Compression::Bzip2, bz.finish().unwrap());
    }

    #[test]
    fn many_chunks_arrive_in_order_and_early_drop_does_not_hang() {
        let data: Vec<u8> = (0..3_000_000u32)
            .map(|i| (i % 251) as u8 ^ (i >> 12) as u8)
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.zst");
        std::fs::write(&path, zstd::encode_all(&data[..], 1).unwrap()).unwrap();
        let mut d = open_decompressed(&path).unwrap();
        let mut out = Vec::new();
        d.reader.read_to_end(&mut out).unwrap();
        assert!(out == data, "same bytes");
        // Read a little, then drop: the decompressing thread must stop.
        let mut d = open_decompressed(&path).unwrap();
        let mut first = [0u8; 10];
        d.reader.read_exact(&mut first).unwrap();
        assert_eq!(first, data[..10]);
        drop(d);
    }

    #[test]
    fn errors_arrive_after_the_good_bytes() {
        let data = vec![b'x'; 1_000_000];
        let zst = zstd::encode_all(&data[..], 1).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.zst");
        std::fs::write(&path, &zst[..zst.len() - 3]).unwrap();
        let mut d = open_decompressed(&path).unwrap();
        let mut out = Vec::new();
        let err = d.reader.read_to_end(&mut out).unwrap_err();
        assert!(err.to_string().contains("incomplete frame"), "{err}");
    }

    #[test]
    fn bom_and_whitespace_are_plain_xml() {
        assert_eq!(
            Compression::detect(b"\xEF\xBB\xBF<x/>"),
            Some(Compression::None)
        );
        assert_eq!(Compression::detect(b"\n<x/>"), Some(Compression::None));
        assert_eq!(Compression::detect(b"PK\x03\x04"), None);
        assert_eq!(Compression::detect(b""), None);
    }

    #[test]
    fn unknown_compression_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("thing.xml.zip");
        std::fs::write(&path, b"PK\x03\x04rest").unwrap();
        let err = open_decompressed(&path).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, RepodataError::UnknownCompression { .. }));
        assert!(msg.contains("thing.xml.zip"), "{msg}");
        assert!(msg.contains("504b0304"), "{msg}");
    }

    #[test]
    fn empty_file_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.xml");
        std::fs::write(&path, b"").unwrap();
        let err = open_decompressed(&path).unwrap_err();
        assert!(err.to_string().contains("empty file"), "{err}");
    }
}
