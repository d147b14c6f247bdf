package ai.reigh.storage.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts what is read and fails as soon as more than {@code maxBytes} came through: the size limit of
 * a body without a declared length is enforced while reading, never after buffering it. A read failure
 * of the client's body is reported as such (not as a store failure).
 */
public final class BoundedInputStream extends FilterInputStream {
    private final long maxBytes;
    private long count;

    public BoundedInputStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
        int b = guarded(() -> super.read());
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = guarded(() -> super.read(buffer, offset, length));
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    public long count() {
        return count;
    }

    private void counted(int n) throws StoreFailure {
        count += n;
        if (count > maxBytes) {
            throw new StoreFailure(StoreFailure.Reason.TOO_LARGE, "the body is larger than " + maxBytes + " bytes");
        }
    }

    private interface Read {
        int run() throws IOException;
    }

    private static int guarded(Read read) throws StoreFailure {
        try {
            return read.run();
        } catch (StoreFailure failure) {
            throw failure;
        } catch (IOException broken) {
            throw new StoreFailure(StoreFailure.Reason.CLIENT_BODY_BROKEN, "the request body could not be read");
        }
    }
}
