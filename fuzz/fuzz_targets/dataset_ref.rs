#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| valuation_fuzz::parse_dataset_ref(data));
