package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentParserTest {
    static final OptionSpec FLAG = OptionSpec.flag("fake", 'f', "f");
    static final OptionSpec VERBOSE = OptionSpec.flag("verbose", 'v', "v");
    static final OptionSpec OPTS = OptionSpec.valued("options", 'o', "OPTIONS", "o");
    static final OptionSpec LONG_ONLY = OptionSpec.valued("workers", '\0', "N", "w");
    final ArgumentParser parser = new ArgumentParser(List.of(FLAG, VERBOSE, OPTS, LONG_ONLY));

    @Test
    void longOptionsTakeTheirValueAfterEqualsOrAsTheNextArgument() throws UsageException {
        ParsedArguments p = parser.parse(List.of("--workers=3", "--options", "a,b", "x"));
        assertEquals(List.of("3"), p.values(LONG_ONLY));
        assertEquals(List.of("a,b"), p.values(OPTS));
        assertEquals(List.of("x"), p.operands());
    }

    @Test
    void shortFlagsBundleAndAShortValueMayBeAttached() throws UsageException {
        ParsedArguments p = parser.parse(List.of("src", "dir", "-fvoro,x=1"));
        assertTrue(p.has(FLAG));
        assertTrue(p.has(VERBOSE));
        assertEquals(List.of("ro,x=1"), p.values(OPTS));
        assertEquals(List.of("src", "dir"), p.operands());
    }

    @Test
    void aShortValueMayBeTheNextArgumentAndOptionsRepeatInOrder() throws UsageException {
        ParsedArguments p = parser.parse(List.of("-o", "a", "s", "-o", "b", "d"));
        assertEquals(List.of("a", "b"), p.values(OPTS));
        assertEquals("b", p.last(OPTS).orElseThrow().value());
        assertEquals("-o", p.last(OPTS).orElseThrow().spelled());
        assertEquals(List.of("s", "d"), p.operands());
    }

    @Test
    void doubleDashEndsOptionsAndALoneDashIsAnOperand() throws UsageException {
        ParsedArguments p = parser.parse(List.of("-f", "--", "-v", "--workers", "-"));
        assertTrue(p.has(FLAG));
        assertEquals(List.of("-v", "--workers", "-"), p.operands());
    }

    @Test
    void errorsNameTheOptionAsWritten() {
        assertEquals("unknown option '--bogus'",
                assertThrows(UsageException.class, () -> parser.parse(List.of("--bogus"))).getMessage());
        assertEquals("unknown option '-x' in '-fx'",
                assertThrows(UsageException.class, () -> parser.parse(List.of("-fx"))).getMessage());
        assertEquals("unknown option '-x'",
                assertThrows(UsageException.class, () -> parser.parse(List.of("-x"))).getMessage());
        assertEquals("option '--fake' takes no value",
                assertThrows(UsageException.class, () -> parser.parse(List.of("--fake=1"))).getMessage());
        assertEquals("option '--workers' needs a value (N)",
                assertThrows(UsageException.class, () -> parser.parse(List.of("--workers"))).getMessage());
        assertEquals("option '-o' needs a value (OPTIONS)",
                assertThrows(UsageException.class, () -> parser.parse(List.of("src", "-o"))).getMessage());
    }

    @Test
    void synopsisShowsBothSpellingsAndTheValue() {
        assertEquals("-o, --options OPTIONS", OPTS.synopsis());
        assertEquals("    --workers N", LONG_ONLY.synopsis());
        assertEquals("-f, --fake", FLAG.synopsis());
    }
}
