use super::*;

fn unit_vec(seed: u64) -> Vec<f32> {
    normalize(
        (0..384)
            .map(|i| ((seed as f32 + 1.0) * (i as f32 + 0.5)).sin())
            .collect(),
    )
}

fn sha(i: u64) -> String {
    format!("{i:064x}")
}

fn sample() -> DatasetRef {
    let mut b = DatasetRefBuilder::default();
    b.add_file(&sha(2), [5u64, 1, 9].into_iter());
    b.add_file(&sha(1), [7u64].into_iter());
    b.add_embeddings("m", &(0..50).map(unit_vec).collect::<Vec<_>>());
    b.build()
}

fn error_of(bytes: &[u8]) -> String {
    DatasetRef::parse(bytes).unwrap_err().to_string()
}

#[test]
fn round_trips_and_finds_units_files_and_meanings() {
    let r = sample();
    let back = DatasetRef::parse(&r.to_bytes()).unwrap();
    assert_eq!(back, r);
    assert!(back.contains_unit(9) && back.contains_unit(7) && !back.contains_unit(2));
    assert!(back.contains_file(&sha(1)) && !back.contains_file(&sha(3)));
    assert_eq!(
        (back.files, back.accepted_units, back.sketches.len()),
        (2, 50, 50)
    );
    for i in 0..50 {
        assert!(back.has_sketch_within(&back.sketch_of(&unit_vec(i)), 0));
    }
    assert!(!back.has_sketch_within(&back.sketch_of(&unit_vec(999)), 10));
    assert_eq!(
        back.center.len(),
        384,
        "centred on the accepted units' mean"
    );
    // After the header: 16 bytes per sketch, 8 per unit hash.
    let bytes = r.to_bytes();
    let header = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
    assert_eq!(bytes.len() - 12 - header, 16 * 50 + 8 * 4);
}

#[test]
fn appending_needs_only_the_new_files() {
    let vectors: Vec<Vec<f32>> = (0..40).map(unit_vec).collect();
    let mut all = DatasetRefBuilder::default();
    all.add_file(&sha(1), [1u64, 2].into_iter());
    all.add_file(&sha(2), [3u64].into_iter());
    all.add_embeddings("m", &vectors);
    let all = all.build();
    let mut first = DatasetRefBuilder::default();
    first.add_file(&sha(1), [1u64, 2].into_iter());
    first.add_embeddings("m", &vectors[..25]);
    let first = DatasetRef::parse(&first.build().to_bytes()).unwrap();
    let mut then = DatasetRefBuilder::extend(&first);
    then.add_file(&sha(2), [3u64].into_iter());
    then.add_embeddings("m", &vectors[25..]);
    let then = then.build();
    // The center stays the first build's, so every unit, old or new, finds itself.
    assert_eq!(then.center, first.center);
    assert_eq!(then.sketches.len(), 40);
    assert!(vectors
        .iter()
        .all(|v| then.has_sketch_within(&then.sketch_of(v), 0)));
    assert_eq!(then.unit_hashes, all.unit_hashes);
    assert_eq!(then.file_sha256, all.file_sha256);
    assert_eq!(then.accepted_units, all.accepted_units);
    let cos: f32 = then
        .centroid_f32()
        .unwrap()
        .iter()
        .zip(all.centroid_f32().unwrap())
        .map(|(a, b)| a * b)
        .sum();
    // The stored direction is rounded to 1/127 per component: appending adds that much error.
    assert!(cos > 0.995, "centroid drifts on append: cos {cos}");
}

#[test]
fn hostile_references_are_typed_errors() {
    let good = sample().to_bytes();
    let header_len = u32::from_le_bytes(good[8..12].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&good[12..12 + header_len])
        .unwrap()
        .to_owned();
    let with_header = |h: &str| {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&(h.len() as u32).to_le_bytes());
        b.extend_from_slice(h.as_bytes());
        b.extend_from_slice(&good[12 + header_len..]);
        b
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "neither"),
        ("binary junk", vec![0, 159, 146, 150], "neither"),
        ("magic only", MAGIC.to_vec(), "truncated"),
        ("truncated header", good[..20].to_vec(), "truncated"),
        (
            "truncated body",
            good[..good.len() - 1].to_vec(),
            "truncated or padded",
        ),
        (
            "padded",
            [good.clone(), vec![0]].concat(),
            "truncated or padded",
        ),
        (
            "oversized header",
            [MAGIC.to_vec(), u32::MAX.to_le_bytes().to_vec()].concat(),
            "bound",
        ),
        (
            "wrong width",
            with_header(&header.replace("\"sketch_bits\":128", "\"sketch_bits\":256")),
            "128-bit",
        ),
        (
            "unknown format",
            with_header(&header.replace("dataset-ref/2", "dataset-ref/9")),
            "unknown format",
        ),
        (
            "more sketches than the bound",
            with_header(&header.replace("\"sketches\":50", "\"sketches\":99999999")),
            "bounds",
        ),
        (
            "counts pointing past the end",
            with_header(&header.replace("\"unit_hashes\":4", "\"unit_hashes\":5")),
            "truncated or padded",
        ),
        (
            "more sketches than units",
            with_header(&header.replace("\"accepted_units\":50", "\"accepted_units\":3")),
            "counts disagree",
        ),
        (
            "unknown field",
            with_header(&header.replacen('{', "{\"bands\":[1,2],", 1)),
            "unknown field",
        ),
    ];
    for (what, bytes, expect) in cases {
        let err = error_of(&bytes);
        assert!(err.contains(expect), "{what}: {err}");
    }
    // Sketches out of order: swap the last two.
    let mut swapped = good.clone();
    let n = swapped.len();
    let (a, b) = (swapped[n - 32..n - 16].to_vec(), swapped[n - 16..].to_vec());
    swapped[n - 32..n - 16].copy_from_slice(&b);
    swapped[n - 16..].copy_from_slice(&a);
    assert!(error_of(&swapped).contains("sorted"));
}

#[test]
fn another_model_or_width_is_refused() {
    let r = sample();
    assert!(r.check_space("m", Some(384)).is_ok());
    assert!(r
        .check_space("other", Some(384))
        .unwrap_err()
        .to_string()
        .contains("rebuild"));
    assert!(r.check_space("m", Some(768)).is_err());
}

#[test]
fn format_1_references_still_read() {
    let old_sketch = |v: &[f32]| {
        // Format 1's 256-bit sketch: these 128 bits, then 128 more from the same generator.
        let s = simhash(v);
        format!(
            "{:016x}{:016x}{:016x}{:016x}",
            s[0], s[1], 0xdead_u64, 0xbeef_u64
        )
    };
    let json = serde_json::json!({
        "format": "dataunion-dataset-ref/1",
        "files": 1,
        "file_sha256": [sha(7).to_uppercase()],
        "sample_bits": 0,
        "unit_hashes": "00000000000000ff0000000000000001",
        "model": "m",
        "sketches": [old_sketch(&unit_vec(3))],
        "centroid": [1, -2, 3],
    });
    let r = DatasetRef::parse(&serde_json::to_vec(&json).unwrap()).unwrap();
    assert_eq!(r.format_version, 1);
    assert!(r.contains_unit(255) && r.contains_unit(1) && r.contains_file(&sha(7)));
    assert!(r.has_sketch_within(&simhash(&unit_vec(3)), 0));
    assert_eq!(
        DatasetRef::parse(&r.to_bytes()).unwrap().sketches,
        r.sketches
    );
    let wrong = serde_json::json!({"format": "dataunion-dataset-ref/0"});
    assert!(error_of(&serde_json::to_vec(&wrong).unwrap()).contains("dataset-ref"));
}
