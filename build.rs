//! Build script: with `--features live`, check that libpcap can be linked before the linker
//! fails with "unable to find library -lpcap", and say what to do instead.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LIBPCAP_LIBDIR");
    if std::env::var_os("CARGO_FEATURE_LIVE").is_none() {
        return;
    }
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os != "linux" {
        return; // other systems ship libpcap (macOS) or need Npcap (Windows): let pcap decide
    }
    let mut dirs: Vec<std::path::PathBuf> = vec![
        "/usr/lib".into(),
        "/usr/lib64".into(),
        "/usr/local/lib".into(),
        "/lib".into(),
        "/lib64".into(),
    ];
    if let Ok(arch) = std::env::var("CARGO_CFG_TARGET_ARCH") {
        for d in ["/usr/lib", "/lib"] {
            if let Ok(rd) = std::fs::read_dir(d) {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().to_string();
                    if name.starts_with(&arch) && name.contains("linux") {
                        dirs.push(e.path());
                    }
                }
            }
        }
    }
    if let Some(d) = std::env::var_os("LIBPCAP_LIBDIR") {
        dirs.push(d.into());
    }
    let found = dirs
        .iter()
        .any(|d| d.join("libpcap.so").exists() || d.join("libpcap.a").exists());
    if !found {
        println!(
            "cargo::error=--features live needs the libpcap development files: install libpcap-dev \
             (Debian/Ubuntu; libpcap-devel on Fedora) or build without --features live \
             (set LIBPCAP_LIBDIR if libpcap is installed elsewhere)"
        );
    }
}
