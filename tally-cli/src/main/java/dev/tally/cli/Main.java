package dev.tally.cli;

/** Entry point of the {@code tally} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("tally");
    }
}
