//! Photos taken on a grid worker's phone, made fit to keep: turned upright as the camera meant,
//! scaled down to at most `LONGEST_SIDE` pixels a side and stored as JPEG. Re-encoding keeps
//! no metadata, so the place the photo was taken (EXIF GPS) is gone unless the worker asks to
//! keep it; then it is read before and returned beside the picture, never inside it.

mod location;

pub use location::Location;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;
use thiserror::Error;

/// The longest side of a kept photo: sharp enough to read a sign or a crack on a phone or a
/// printed page, about 200–400 KB.
pub const LONGEST_SIDE: u32 = 1600;
/// The largest upload taken (a 50-megapixel phone's JPEG is about 15 MB).
pub const MOST_BYTES: usize = 20 * 1024 * 1024;
/// The largest picture decoded, each side: more is a decompression bomb, not a photo.
const MOST_SIDE: u32 = 16_000;
const QUALITY: u8 = 80;

/// A photo ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Where it was taken, when the worker kept it and the camera recorded it.
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhotoError {
    #[error("照片超过 {} MB，请缩小后再上传", MOST_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("无法识别的照片，请上传 JPEG、PNG 或 WebP 格式的照片")]
    Unreadable,
}

/// Reads `bytes` (JPEG, PNG or WebP), applies the camera's orientation, scales it down and
/// encodes it as JPEG without metadata. `keep_location`: return the camera's GPS position.
pub fn prepare(bytes: &[u8], keep_location: bool) -> Result<Prepared, PhotoError> {
    if bytes.len() > MOST_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::Unreadable)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MOST_SIDE);
    limits.max_image_height = Some(MOST_SIDE);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::Unreadable)?;
    let orientation = decoder.orientation().map_err(|_| PhotoError::Unreadable)?;
    let exif = decoder.exif_metadata().ok().flatten();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Unreadable)?;
    picture.apply_orientation(orientation);
    let picture = scaled(picture);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
        .encode_image(&picture.to_rgb8())
        .map_err(|_| PhotoError::Unreadable)?;
    Ok(Prepared {
        width: picture.width(),
        height: picture.height(),
        jpeg,
        location: keep_location
            .then(|| exif.as_deref().and_then(location::of_exif))
            .flatten(),
    })
}

/// The picture fitted within `LONGEST_SIDE`, its proportions kept; a smaller one as it is.
fn scaled(picture: DynamicImage) -> DynamicImage {
    if picture.width().max(picture.height()) <= LONGEST_SIDE {
        return picture;
    }
    picture.resize(
        LONGEST_SIDE,
        LONGEST_SIDE,
        image::imageops::FilterType::Triangle,
    )
}
