//! Real photos for the photo tests: JPEG and PNG files encoded here, and a camera's EXIF block
//! with GPS coordinates spliced into a JPEG, the way a phone writes it.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ImageEncoder, RgbImage};

/// Noise with some structure (so the encoder has real work), different for every seed.
pub fn picture(width: u32, height: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let mut h = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed.wrapping_mul(0xC2B2_AE3D);
        h ^= h >> 15;
        h = h.wrapping_mul(0x2C1B_3C6D);
        h ^= h >> 12;
        let band = u8::try_from((x * 255) / width.max(1)).unwrap_or(0);
        image::Rgb([band, (h & 0xFF) as u8, ((y * 255) / height.max(1)) as u8])
    })
}

pub fn jpeg(width: u32, height: u32, seed: u32, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(&picture(width, height, seed)).unwrap();
    out
}

pub fn png(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let img = picture(width, height, seed);
    let mut out = Vec::new();
    PngEncoder::new(&mut out).write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8).unwrap();
    out
}

/// What the GPS block says: 28°12'12.34" N, 112°58'43.21" E, as three rationals each.
pub const LATITUDE: [(u32, u32); 3] = [(28, 1), (12, 1), (1234, 100)];
pub const LONGITUDE: [(u32, u32); 3] = [(112, 1), (58, 1), (4321, 100)];
/// The camera's name in IFD0 (device data).
pub const CAMERA: &[u8] = b"HuiyinCam X1";

/// The latitude as it sits in the file (little-endian rationals): what must never be served.
pub fn latitude_bytes() -> Vec<u8> {
    LATITUDE.iter().flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()]).flatten().collect()
}

/// An APP1 Exif payload (little-endian TIFF): IFD0 with Make and a GPS pointer, the GPS IFD with
/// both coordinates.
fn exif_payload() -> Vec<u8> {
    let mut camera = CAMERA.to_vec();
    camera.push(0);
    let camera_len = u32::try_from(camera.len()).unwrap();
    let ifd0 = 8u32;
    let ifd0_len = 2 + 2 * 12 + 4;
    let camera_at = ifd0 + ifd0_len;
    let gps = camera_at + camera_len;
    let gps_len = 2 + 4 * 12 + 4;
    let lat_at = gps + gps_len;
    let lng_at = lat_at + 24;

    let mut t = b"II\x2A\x00".to_vec();
    t.extend_from_slice(&ifd0.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value);
    };
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, camera_len, camera_at.to_le_bytes());
    entry(&mut t, 0x8825, 4, 1, gps.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(&camera);
    t.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, lat_at.to_le_bytes());
    entry(&mut t, 0x0003, 2, 2, *b"E\0\0\0");
    entry(&mut t, 0x0004, 5, 3, lng_at.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    for (n, d) in LATITUDE.iter().chain(LONGITUDE.iter()) {
        t.extend_from_slice(&n.to_le_bytes());
        t.extend_from_slice(&d.to_le_bytes());
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(t);
    payload
}

/// The JPEG with the Exif block right after SOI, where cameras put it.
pub fn with_gps_exif(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
    let payload = exif_payload();
    let len = u16::try_from(payload.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether the file carries EXIF or any of the GPS and camera data above.
pub fn has_exif_or_gps(bytes: &[u8]) -> bool {
    contains(bytes, b"Exif\0\0") || contains(bytes, CAMERA) || contains(bytes, &latitude_bytes())
}

/// Decoded pixels and size.
pub fn decode(bytes: &[u8]) -> image::DynamicImage {
    image::load_from_memory(bytes).unwrap()
}

#[test]
fn the_fixture_really_has_gps_exif_that_decoders_read_past() {
    let plain = jpeg(64, 48, 1, 90);
    let tagged = with_gps_exif(&plain);
    assert!(!has_exif_or_gps(&plain));
    assert!(has_exif_or_gps(&tagged));
    assert_eq!(decode(&tagged).to_rgb8(), decode(&plain).to_rgb8());
}
