//! Photos as a phone sends them: large, turned by an EXIF tag, carrying the place they were
//! taken. What is kept is upright, at most 1600 px a side, and without metadata.

use exif::experimental::Writer;
use exif::{Field, In, Rational, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, RgbImage};
use quanke_photo::{LONGEST_SIDE, PhotoError, prepare};
use std::io::Cursor;

/// A picture whose left half is dark and right half light, so its turn can be seen.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([230, 230, 230])
        }
    })
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&picture(width, height))
        .unwrap();
    out
}

fn field(tag: Tag, value: Value) -> Field {
    Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    }
}

fn rationals(parts: [u32; 3]) -> Value {
    Value::Rational(
        parts
            .iter()
            .map(|&num| Rational { num, denom: 1 })
            .collect(),
    )
}

/// The JPEG with an EXIF segment holding `fields`, as a camera writes it.
fn with_exif(jpeg: &[u8], fields: &[Field]) -> Vec<u8> {
    let mut writer = Writer::new();
    for f in fields {
        writer.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let payload = [b"Exif\0\0".as_slice(), tiff.get_ref()].concat();
    let length = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
    [&jpeg[..2], &[0xFF, 0xE1], &length, &payload, &jpeg[2..]].concat()
}

/// Hangzhou: 30°16'30" N, 120°9'18" E.
fn taken_in_hangzhou() -> Vec<Field> {
    vec![
        field(Tag::GPSLatitudeRef, Value::Ascii(vec![b"N".to_vec()])),
        field(Tag::GPSLatitude, rationals([30, 16, 30])),
        field(Tag::GPSLongitudeRef, Value::Ascii(vec![b"E".to_vec()])),
        field(Tag::GPSLongitude, rationals([120, 9, 18])),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_large_photo_is_scaled_down_in_proportion() {
    let kept = prepare(&jpeg(3200, 2400), false).unwrap();
    assert_eq!((kept.width, kept.height), (LONGEST_SIDE, 1200));
    let decoded = image::load_from_memory(&kept.jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1600, 1200));
    let small = prepare(&jpeg(800, 600), false).unwrap();
    assert_eq!(
        (small.width, small.height),
        (800, 600),
        "a small one keeps its size"
    );
}

#[test]
fn the_camera_turn_is_applied() {
    // Orientation 6: the stored picture must be turned 90° clockwise to be seen upright.
    let turned = with_exif(
        &jpeg(40, 20),
        &[field(Tag::Orientation, Value::Short(vec![6]))],
    );
    let kept = prepare(&turned, false).unwrap();
    assert_eq!((kept.width, kept.height), (20, 40));
    let upright = image::load_from_memory(&kept.jpeg).unwrap().to_rgb8();
    // The dark left half is now on top.
    assert!(upright.get_pixel(10, 5)[0] < 100 && upright.get_pixel(10, 35)[0] > 150);
}

#[test]
fn the_place_is_dropped_unless_kept_and_never_stays_in_the_picture() {
    let sent = with_exif(&jpeg(64, 48), &taken_in_hangzhou());
    assert!(contains(&sent, b"Exif\0\0"));
    let dropped = prepare(&sent, false).unwrap();
    assert_eq!(dropped.location, None);
    let kept = prepare(&sent, true).unwrap();
    let at = kept.location.expect("the camera's place");
    assert!(
        (at.lat - 30.275).abs() < 1e-9 && (at.lon - 120.155).abs() < 1e-9,
        "{at:?}"
    );
    for stored in [&dropped.jpeg, &kept.jpeg] {
        assert!(!contains(stored, b"Exif"), "no EXIF segment is stored");
    }
    // South and west are negative; a photo with no place has none.
    let mut south_west = taken_in_hangzhou();
    south_west[0] = field(Tag::GPSLatitudeRef, Value::Ascii(vec![b"S".to_vec()]));
    south_west[2] = field(Tag::GPSLongitudeRef, Value::Ascii(vec![b"W".to_vec()]));
    let at = prepare(&with_exif(&jpeg(8, 8), &south_west), true)
        .unwrap()
        .location
        .unwrap();
    assert!(at.lat < 0.0 && at.lon < 0.0);
    assert_eq!(prepare(&jpeg(8, 8), true).unwrap().location, None);
}

#[test]
fn png_is_taken_and_anything_else_refused() {
    let mut png = Vec::new();
    picture(30, 10)
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    let kept = prepare(&png, false).unwrap();
    assert_eq!((kept.width, kept.height), (30, 10));
    assert!(kept.jpeg.starts_with(&[0xFF, 0xD8]));
    assert_eq!(
        prepare(b"%PDF-1.7 not a photo", false),
        Err(PhotoError::Unreadable)
    );
    assert_eq!(
        prepare(&jpeg(64, 48)[..200], false),
        Err(PhotoError::Unreadable)
    );
    let huge = vec![0u8; quanke_photo::MOST_BYTES + 1];
    assert_eq!(prepare(&huge, false), Err(PhotoError::TooLarge));
}
