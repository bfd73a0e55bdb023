fn main() {
    std::process::exit(berth::main_exit_code());
}
