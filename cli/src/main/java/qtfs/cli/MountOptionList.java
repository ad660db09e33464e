package qtfs.cli;

import java.util.ArrayList;
import java.util.List;

/** Splits mount option strings ({@code -o server=unix:/s,ro,conns=2}) into key/value items. */
public final class MountOptionList {

    /**
     * One item of an option string.
     *
     * @param key   the part before {@code =}
     * @param value the part after the first {@code =}, or null for a bare flag like {@code ro}
     */
    public record Item(String key, String value) {
        /** As written: {@code key} or {@code key=value}. */
        @Override
        public String toString() {
            return value == null ? key : key + "=" + value;
        }
    }

    private MountOptionList() {
    }

    /** Empty items ({@code a,,b}, a trailing comma) are skipped, as mount(8) does. */
    public static List<Item> parse(String text) {
        List<Item> items = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            items.add(eq < 0 ? new Item(p, null) : new Item(p.substring(0, eq), p.substring(eq + 1)));
        }
        return items;
    }
}
