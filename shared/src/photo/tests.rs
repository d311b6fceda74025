use super::*;
use proptest::prelude::*;

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).unwrap();
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An Exif payload (big-endian TIFF) with an orientation and a GPS IFD at 31°N 121°E.
fn exif(orientation: u16) -> Vec<u8> {
    let mut t = b"Exif\0\0MM\0\x2A\0\0\0\x08".to_vec();
    // IFD0: orientation, GPS pointer (to offset 38).
    t.extend_from_slice(&[0, 2]);
    t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0]);
    t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    t.extend_from_slice(&[0, 0, 0, 0]);
    // GPS IFD: latitude ref "N", latitude as three rationals.
    t.extend_from_slice(&[0, 2]);
    t.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend_from_slice(&[0x00, 0x02, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    t.extend_from_slice(&[0, 0, 0, 0]);
    for v in [31u32, 1, 14, 1, 2400, 100] {
        t.extend_from_slice(&v.to_be_bytes());
    }
    t.extend_from_slice(b"GPSSECRET");
    t
}

fn jpeg(orientation: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    out.extend(segment(0xE1, &exif(orientation)));
    out.extend(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>XMPSECRET</x:xmpmeta>"));
    out.extend(segment(0xE2, b"ICC_PROFILE\0ICCSECRET"));
    out.extend(segment(0xFE, b"COMSECRET"));
    out.extend(segment(0xDB, &[0u8; 65]));
    // SOF0: 8 bits, 2000 high, 3000 wide, one component.
    out.extend(segment(0xC0, &[8, 0x07, 0xD0, 0x0B, 0xB8, 1, 1, 0x11, 0]));
    out.extend(segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01"));
    out.extend(segment(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
    out.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD9]);
    out.extend_from_slice(b"TRAILINGSECRET");
    out
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&[0, 0, 0, 0]);
    out
}

fn png() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 640u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&480u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]));
    out.extend(chunk(b"tEXt", b"Author\0TEXTSECRET"));
    out.extend(chunk(b"eXIf", &exif(1)[6..]));
    out.extend(chunk(b"tIME", &[7, 0xEA, 11, 29, 12, 0, 0]));
    out.extend(chunk(b"IDAT", &[1, 2, 3]));
    out.extend(chunk(b"IEND", &[]));
    out.extend_from_slice(b"TRAILINGSECRET");
    out
}

fn riff(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_vec();
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

fn webp() -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    // VP8X: ICC, EXIF and XMP flags set; canvas 800 × 600.
    body.extend(riff(b"VP8X", &[0x2C, 0, 0, 0, 0x1F, 0x03, 0, 0x57, 0x02, 0]));
    body.extend(riff(b"ICCP", b"ICCSECRET"));
    // VP8L: signature, then 14-bit width-1 (799) and height-1 (599).
    let bits: u32 = 799 | (599 << 14);
    let mut vp8l = vec![0x2F];
    vp8l.extend_from_slice(&bits.to_le_bytes());
    vp8l.extend_from_slice(&[0, 0]);
    body.extend(riff(b"VP8L", &vp8l));
    body.extend(riff(b"EXIF", &exif(1)[6..]));
    body.extend(riff(b"XMP ", b"XMPSECRET"));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    out.extend(body);
    out.extend_from_slice(b"TRAILINGSECRET");
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

const SECRETS: [&[u8]; 7] =
    [b"GPSSECRET", b"XMPSECRET", b"ICCSECRET", b"COMSECRET", b"TEXTSECRET", b"TRAILINGSECRET", b"Exif\0\0"];

#[test]
fn types_are_sniffed_by_content_not_name() {
    assert_eq!(inspect(&jpeg(1)), Some(ImageInfo { kind: ImageType::Jpeg, width: 3000, height: 2000 }));
    assert_eq!(inspect(&png()), Some(ImageInfo { kind: ImageType::Png, width: 640, height: 480 }));
    assert_eq!(inspect(&webp()), Some(ImageInfo { kind: ImageType::Webp, width: 800, height: 600 }));
    for not_image in [
        &b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"[..],
        b"<!DOCTYPE html><html><body>hi</body></html>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"just some text",
        b"",
    ] {
        assert_eq!(sniff(not_image), None);
        assert!(prepare(not_image).is_err());
    }
}

#[test]
fn metadata_is_gone_and_the_image_stays() {
    for image in [jpeg(1), png(), webp()] {
        let p = prepare(&image).unwrap();
        for secret in SECRETS {
            assert!(!contains(&p.bytes, secret), "{} left in {:?}", String::from_utf8_lossy(secret), p.info.kind);
        }
        assert_eq!(inspect(&p.bytes), Some(p.info));
    }
    let jpeg = prepare(&jpeg(1)).unwrap().bytes;
    assert!(contains(&jpeg, b"JFIF\0") && contains(&jpeg, b"Adobe\0"), "decoding segments stay");
    assert!(jpeg.ends_with(&[0xFF, 0xD9]));
    let png = prepare(&png()).unwrap().bytes;
    assert!(contains(&png, b"gAMA") && contains(&png, b"IDAT") && png.ends_with(&chunk(b"IEND", &[])));
    let webp = prepare(&webp()).unwrap().bytes;
    assert_eq!(webp[20] & 0x2C, 0, "VP8X no longer announces ICC, EXIF or XMP");
    assert_eq!(u32::from_le_bytes([webp[4], webp[5], webp[6], webp[7]]) as usize, webp.len() - 8);
}

#[test]
fn the_orientation_alone_survives() {
    let rotated = prepare(&jpeg(6)).unwrap().bytes;
    assert!(contains(&rotated, b"Exif\0\0"));
    assert!(!contains(&rotated, b"GPSSECRET") && !contains(&rotated, &[0x88, 0x25]));
    let segments = strip::jpeg_segments(&rotated).unwrap();
    let app1: Vec<_> = segments.iter().filter(|s| s.marker == 0xE1).collect();
    assert_eq!(app1.len(), 1);
    assert_eq!(strip::exif_orientation(app1[0].payload(&rotated)), Some(6));
    assert_eq!(strip_metadata(&rotated), Some(rotated.clone()), "stable when stripped again");
}

#[test]
fn oversized_and_damaged_images_are_refused_naming_the_field() {
    let mut huge = png();
    huge[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    let e = prepare(&huge).unwrap_err();
    assert_eq!(e.get(FIELD).map(|e| e.code), Some(FieldErrorCode::OutOfRange));
    let cut = &jpeg(1)[..200];
    assert_eq!(prepare(cut).unwrap_err().get(FIELD).map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
    let e = prepare(b"<svg/>").unwrap_err();
    assert_eq!(e.get(FIELD).map(|e| e.code), Some(FieldErrorCode::InvalidType));
}

#[test]
fn photos_are_fitted_without_enlarging() {
    assert_eq!(fit(3000, 2000, 1600), (1600, 1067));
    assert_eq!(fit(2000, 3000, 1600), (1067, 1600));
    assert_eq!(fit(800, 600, 1600), (800, 600));
    assert_eq!(fit(10_000, 1, 1600), (1600, 1));
    assert_eq!(fit(0, 0, 1600), (1, 1));
}

#[test]
fn inputs_are_parsed() {
    assert_eq!(max_side(None), DEFAULT_MAX_SIDE);
    assert_eq!(max_side(Some("1200")), 1200);
    assert_eq!(max_side(Some("99999")), MAX_SIDE_RANGE.1);
    assert_eq!(max_side(Some("junk")), DEFAULT_MAX_SIDE);
    assert_eq!(PhotoStage::parse_staff(Some("after")), Ok(PhotoStage::After));
    assert!(PhotoStage::parse_staff(Some("report")).unwrap_err().get("stage").is_some());
    assert!(PhotoStage::parse_staff(None).is_err());
    let id = PhotoId::from_random([0xAB; 16]);
    assert_eq!(PhotoId::parse(id.as_str()), Some(id.clone()));
    assert_eq!(PhotoId::parse("../etc/passwd"), None);
    let mut errors = FieldErrors::new();
    let refs = parse_refs(&mut errors, Some(&[id.as_str().to_owned(), id.as_str().to_owned(), "x".into()]));
    assert_eq!(refs, vec![id]);
    assert!(errors.get("photos[2]").is_some());
    assert!(HideInput { reason: Some(" ".into()) }.parse().is_err());
    assert_eq!(HideInput { reason: Some("人脸可辨认".into()) }.parse().unwrap(), "人脸可辨认");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = inspect(&bytes);
        let _ = strip_metadata(&bytes);
        let _ = prepare(&bytes);
    }

    #[test]
    fn damaged_images_never_panic_and_stripping_is_idempotent(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut image = [jpeg(6), png(), webp()][which].clone();
        for (at, value) in edits {
            let i = at.index(image.len());
            image[i] = value;
        }
        let keep = image.len() - cut.index(image.len() / 2);
        image.truncate(keep);
        if let Ok(p) = prepare(&image) {
            prop_assert_eq!(strip_metadata(&p.bytes), Some(p.bytes.clone()));
            prop_assert_eq!(inspect(&p.bytes), Some(p.info));
            prop_assert_eq!(sniff(&p.bytes), sniff(&image));
        }
    }
}
