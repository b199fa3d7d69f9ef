//! Inputs of the metadata file targets: a first byte choosing how the rest becomes the
//! file. `0` (and any unknown value) writes the rest as it is, so real and mangled
//! compressed files reach the decompressors; `1`–`4` compress the rest with gzip, xz,
//! zstd or bzip2 first, so that mutations of plain XML also reach the parser through
//! each decompressor (the reader detects the format by its magic bytes).

use std::io::Write;

/// How the payload of an input becomes a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// The payload as it is.
    AsIs = 0,
    /// gzip
    Gzip = 1,
    /// xz
    Xz = 2,
    /// zstd
    Zstd = 3,
    /// bzip2
    Bzip2 = 4,
}

impl Codec {
    /// Every codec, `AsIs` first.
    pub const ALL: [Codec; 5] = [
        Codec::AsIs,
        Codec::Gzip,
        Codec::Xz,
        Codec::Zstd,
        Codec::Bzip2,
    ];

    fn from_byte(b: u8) -> Codec {
        match b {
            1 => Codec::Gzip,
            2 => Codec::Xz,
            3 => Codec::Zstd,
            4 => Codec::Bzip2,
            _ => Codec::AsIs,
        }
    }
}

/// The file an input stands for.
pub fn file_bytes(data: &[u8]) -> Vec<u8> {
    match data.split_first() {
        None => Vec::new(),
        Some((&mode, payload)) => encode(Codec::from_byte(mode), payload),
    }
}

/// `payload` compressed with `codec` (fast settings).
pub fn encode(codec: Codec, payload: &[u8]) -> Vec<u8> {
    let written = match codec {
        Codec::AsIs => return payload.to_vec(),
        Codec::Gzip => {
            let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            w.write_all(payload).and_then(|()| w.finish())
        }
        Codec::Xz => {
            let mut w = liblzma::write::XzEncoder::new(Vec::new(), 0);
            w.write_all(payload).and_then(|()| w.finish())
        }
        Codec::Zstd => zstd::encode_all(payload, 1),
        Codec::Bzip2 => {
            let mut w = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            w.write_all(payload).and_then(|()| w.finish())
        }
    };
    written.expect("compressing into memory cannot fail")
}
