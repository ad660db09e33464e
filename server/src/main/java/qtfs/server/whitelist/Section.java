package qtfs.server.whitelist;

/** The sections of /etc/qtfs/whitelist; each gates the operations its name says. */
public enum Section {
    OPEN("Open"), WRITE("Write"), READ("Read"), READDIR("Readdir"), MKDIR("Mkdir"), RMDIR("Rmdir"),
    CREATE("Create"), UNLINK("Unlink"), RENAME("Rename"), SETATTR("Setattr"), SETXATTR("Setxattr"),
    MOUNT("Mount"), KILL("Kill"), UDSCONNECT("Udsconnect");

    /** The name as written between brackets in the file. */
    public final String title;

    Section(String title) {
        this.title = title;
    }
}
