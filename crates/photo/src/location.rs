//! The place a camera wrote into a photo's EXIF (GPS latitude and longitude).

use exif::{In, Reader, Tag, Value};

/// Degrees north (negative: south) and east (negative: west).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

/// The position in raw EXIF data (a TIFF structure, with or without the JPEG segment's
/// "Exif\0\0" header); none when the camera wrote none or wrote nonsense.
pub(crate) fn of_exif(raw: &[u8]) -> Option<Location> {
    let raw = raw.strip_prefix(b"Exif\0\0").unwrap_or(raw);
    let exif = Reader::new().read_raw(raw.to_vec()).ok()?;
    let degrees = |tag: Tag, reference: Tag, negative: u8| -> Option<f64> {
        let Value::Rational(parts) = &exif.get_field(tag, In::PRIMARY)?.value else {
            return None;
        };
        let [d, m, s] = parts.as_slice() else {
            return None;
        };
        let value = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
        let sign = match &exif.get_field(reference, In::PRIMARY)?.value {
            Value::Ascii(texts) if texts.first().and_then(|t| t.first()) == Some(&negative) => -1.0,
            _ => 1.0,
        };
        value.is_finite().then_some(sign * value)
    };
    let lat = degrees(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S')?;
    let lon = degrees(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W')?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then_some(Location { lat, lon })
}
