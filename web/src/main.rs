fn main() {
    tandem_web::run();
}
