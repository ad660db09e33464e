package qtfs.transport.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * A file of PEM blocks that holds a private key: read only when no one but its owner can
 * read or change it, written so that it never exists with wider permissions. Lines outside
 * blocks are comments (for the person who copies the file around).
 */
final class PemFile {
    private PemFile() {}

    /** One {@code -----BEGIN TYPE-----} ... {@code -----END TYPE-----} block, decoded. */
    record Block(String type, byte[] der) {}

    private static final String BEGIN = "-----BEGIN ", END = "-----END ", DASHES = "-----";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Reads every block, after checking that the file is a regular file private to its owner. */
    static List<Block> readPrivate(Path file) throws CredentialException {
        String text;
        try {
            if (!Files.isRegularFile(file)) {
                if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(file.toString());
                throw new CredentialException("TLS file " + file + " is not a regular file");
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new CredentialException("TLS file " + file + " has mode " + PosixFilePermissions.toString(permissions)
                        + ": it holds a private key, so group and others must have no access (chmod 600 " + file + ")");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (CredentialException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new CredentialException("TLS file " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new CredentialException("TLS file " + file + " cannot be read: permission denied", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CredentialException("TLS file " + file + " is not a PEM file (it holds non-ASCII bytes)", e);
        } catch (IOException e) {
            throw new CredentialException("TLS file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    static List<Block> parse(Path file, String text) throws CredentialException {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith(BEGIN)) continue;
            if (!line.endsWith(DASHES) || line.length() <= BEGIN.length() + DASHES.length()) {
                throw new CredentialException("TLS file " + file + " line " + (i + 1) + ": malformed PEM header '" + line + "'");
            }
            String type = line.substring(BEGIN.length(), line.length() - DASHES.length());
            String end = END + type + DASHES;
            StringBuilder base64 = new StringBuilder();
            int j = i + 1;
            while (j < lines.length && !lines[j].strip().equals(end)) base64.append(lines[j++].strip());
            if (j == lines.length) throw new CredentialException("TLS file " + file + " line " + (i + 1) + ": " + type + " block has no '" + end + "' line");
            try {
                blocks.add(new Block(type, Base64.getDecoder().decode(base64.toString())));
            } catch (IllegalArgumentException e) {
                throw new CredentialException("TLS file " + file + " line " + (i + 1) + ": " + type + " block is not valid base64", e);
            }
            i = j;
        }
        if (blocks.isEmpty()) throw new CredentialException("TLS file " + file + " is not a PEM file (no '-----BEGIN' line)");
        return blocks;
    }

    /** The PEM text of {@code blocks}, after {@code comment} lines. */
    static String format(List<String> comment, List<Block> blocks) {
        StringBuilder out = new StringBuilder();
        for (String line : comment) out.append(line).append('\n');
        Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (Block b : blocks) {
            out.append(BEGIN).append(b.type()).append(DASHES).append('\n');
            out.append(encoder.encodeToString(b.der())).append('\n');
            out.append(END).append(b.type()).append(DASHES).append('\n');
        }
        return out.toString();
    }

    /**
     * Writes {@code text} to {@code file} with mode 0600: into a new private file beside it,
     * then renamed over it, so that no reader sees a partial or wider-open file. Missing parent
     * directories are created private to the owner.
     */
    static void writePrivate(Path file, String text, boolean replaceExisting) throws CredentialException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temporary = null;
        try {
            if (!replaceExisting && Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(absolute.toString());
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            temporary = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(text.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                ch.force(true);
            }
            if (replaceExisting) {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // a hard link fails if the name was taken meanwhile, where a rename would replace it
                Files.createLink(absolute, temporary);
                Files.delete(temporary);
            }
            temporary = null;
        } catch (FileAlreadyExistsException e) {
            throw new CredentialException("TLS file " + absolute + " already exists; not replacing it", e);
        } catch (IOException e) {
            throw new CredentialException("cannot write TLS file " + absolute + ": " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // best effort: the write already failed and says so
                }
            }
        }
    }
}
