use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = tahrid::normalize::Normalizer::default();
    for path in &args[1..] {
        let text = std::fs::read_to_string(path).unwrap();
        let docs: Vec<String> = text.lines().take(20000).map(|l| n.fold_str(l)).collect();
        let bytes: usize = docs.iter().map(|d| d.len()).sum();
        let mut v = Vec::new();
        let mut ts = vec![];
        for _ in 0..31 {
            let s = Instant::now();
            let mut k = 0;
            for d in &docs {
                k += tahrid::model::ngram::features(d, 16, &mut v);
            }
            std::hint::black_box(k);
            ts.push(s.elapsed().as_secs_f64());
        }
        ts.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{} features {:.0} MB/s",
            path.rsplit('/').next().unwrap(),
            bytes as f64 / ts[4] / 1e6
        );
    }
}
