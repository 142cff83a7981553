//! guard: placeholder until the checker lands.
fn main() {
    eprintln!("guard: not implemented yet");
    std::process::exit(2);
}
