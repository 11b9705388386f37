package io.github.abuseguard.servlet;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The response of a request whose client has no history yet ({@link AbuseGuard#awaitsHistory}), or whose outcome a
 * guard hears at commit ({@link AbuseGuard#observesBeforeCommit}: a step a later request is judged by): it
 * reports the status to {@link AbuseGuard#earnHistory} just before anything that can commit the response
 * (a flush, a close, a write that may fill the buffer or complete the declared {@code Content-Length},
 * a redirect, an error), so that a client firing its
 * next request the instant it receives this answer already has the history its success earned. The status
 * cannot change once the response is committed, so what is reported is what the client receives; a body
 * written into the buffer alone earns nothing yet, because the application may still fail and the
 * container then answers 500 instead. Used only for such requests: a client with its history costs no
 * wrapper.
 */
final class HistoryOnCommit extends HttpServletResponseWrapper {
    /** How many bytes a character can take in the response's encoding, at most (UTF-8 takes 3, GB18030 4). */
    private static final int MAX_BYTES_PER_CHAR = 4;

    /**
     * The characters a container may hold in front of its byte buffer: Tomcat's writer keeps 8,192 (review128 F1, stop
     * 69: 9,000 characters written and nothing sent, and the step heard as a success before a 500).
     */
    private static final int CHARACTERS_HELD = 8192;

    private final AbuseGuard engine;
    private final GuardRequest request;
    private final long awaiting;
    /** The guards that hear the outcome at commit ({@link AbuseGuard#observesBeforeCommit}), 0 if none. */
    private final long early;

    private final @Nullable Evaluation evaluation;
    /** Where the request's outcome may be {@linkplain HandlerStatus#decided reported outright}; {@code null} if nowhere. */
    private final @Nullable HandlerStatus handlerStatus;

    private boolean settled;
    private long written;
    /** Whether the steps were reported ({@link #early}); none to report counts as reported. */
    private boolean stepsSettled;
    /** The bytes surely written through the stream. */
    private long surelyWritten;
    /** The characters written through the writer: each at least a byte, after the characters a container holds. */
    private long charactersWritten;
    /** The declared length of the body, or -1: a container commits once that much is written. */
    private long contentLength = -1;

    private CommitWatchingStream stream;
    private CommitWatchingWriter writer;

    HistoryOnCommit(
            HttpServletResponse response,
            AbuseGuard engine,
            GuardRequest request,
            @Nullable Evaluation evaluation,
            long awaiting,
            long early,
            @Nullable HandlerStatus handlerStatus) {
        super(response);
        this.engine = engine;
        this.request = request;
        this.evaluation = evaluation;
        this.awaiting = awaiting;
        this.early = early;
        this.handlerStatus = handlerStatus;
        this.settled = awaiting == 0; // nothing to report is reported
        this.stepsSettled = early == 0;
    }

    /**
     * Reports nothing, now or later: the request this response was made for was refused after all (a tarpit's
     * refusal under {@code then: pass}), and the guards were told so.
     */
    void disarm() {
        settled = true;
        stepsSettled = true;
    }

    /** Reports the status, once; the filter calls it when the exchange ends, whatever was reported before. */
    void settle() {
        settle(getStatus());
    }

    private void settle(int status) {
        settleHistory(status);
        settleSteps(status);
    }

    private void settleHistory(int status) {
        if (!settled) {
            settled = true;
            // a failed sign-in answered with a redirect earns nothing (user70 F1)
            engine.earnHistory(request, handlerStatus == null ? status : handlerStatus.decidedOr(status), awaiting);
        }
    }

    /** A step the client's next request is judged by, recorded before the client can send that request. */
    private void settleSteps(int status) {
        if (!stepsSettled) {
            stepsSettled = true;
            engine.observeBeforeCommit(request, evaluation, HandlerStatus.outcome(handlerStatus, status), early);
        }
    }

    /**
     * Settles before a write of at least {@code leastBytes} and at most {@code mostBytes} more bytes that may fill the
     * buffer and so commit: the history when the write may commit (earned a moment early at worst), the steps only
     * when it surely does, as a step heard as a success stays one though the application fails after and the
     * container answers 500 (review127 F1: a verify answered 500 let the card through). Characters are sure to
     * commit only past the characters a container may hold as well ({@link #CHARACTERS_HELD}); a write that did
     * commit settles right after it ({@link #afterWrite}).
     */
    private void beforeWrite(long leastBytes, long mostBytes, boolean characters) {
        if (!settled) {
            written += mostBytes;
            if (written >= getBufferSize() || (contentLength >= 0 && written >= contentLength) || isCommitted()) {
                settleHistory(getStatus());
            }
        }
        if (!stepsSettled) {
            boolean sure;
            if (characters) {
                charactersWritten += leastBytes;
                sure = charactersWritten > (long) getBufferSize() + CHARACTERS_HELD;
            } else {
                surelyWritten += leastBytes;
                // past the buffer, not at its size: a buffer exactly full is not yet sent, and a failure then is a 500
                sure = surelyWritten > getBufferSize() || (contentLength >= 0 && surelyWritten >= contentLength);
            }
            if (sure || isCommitted()) {
                settleSteps(getStatus());
            }
        }
    }

    /** As {@link #beforeWrite(long, long, boolean)} for bytes written as they are. */
    private void beforeWrite(long bytes) {
        beforeWrite(bytes, bytes, false);
    }

    /** Settles the steps once a write committed the response, which the estimate before it could not be sure of. */
    private void afterWrite() {
        if (!stepsSettled && isCommitted()) {
            settleSteps(getStatus());
        }
    }

    /**
     * Forgets what was written into the buffer, which the container drops (a forward resets it, review128 F2: the
     * dropped bytes still counted, and a step was heard as sent before a 500).
     */
    @Override
    public void resetBuffer() {
        super.resetBuffer();
        forgetWritten();
    }

    /** As {@link #resetBuffer()}, and forgets the declared length, which the container drops too. */
    @Override
    public void reset() {
        super.reset();
        forgetWritten();
        contentLength = -1;
    }

    private void forgetWritten() {
        written = 0;
        surelyWritten = 0;
        charactersWritten = 0;
    }

    @Override
    public void setContentLength(int len) {
        contentLength = len;
        super.setContentLength(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        contentLength = len;
        super.setContentLengthLong(len);
    }

    @Override
    public void setHeader(String name, String value) {
        declared(name, value);
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        declared(name, value);
        super.addHeader(name, value);
    }

    @Override
    public void setIntHeader(String name, int value) {
        declared(name, Integer.toString(value));
        super.setIntHeader(name, value);
    }

    @Override
    public void addIntHeader(String name, int value) {
        declared(name, Integer.toString(value));
        super.addIntHeader(name, value);
    }

    private void declared(String name, String value) {
        if ("Content-Length".equalsIgnoreCase(name)) {
            try {
                contentLength = value == null ? -1 : Long.parseLong(value.trim());
            } catch (NumberFormatException notALength) {
                contentLength = 0; // whatever the container makes of it, settle before the first byte
            }
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        settle();
        super.flushBuffer();
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        settle(sc);
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        settle(sc);
        super.sendError(sc);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        settle(SC_FOUND);
        super.sendRedirect(location);
    }

    @Override
    public void sendRedirect(String location, int sc) throws IOException {
        settle(sc);
        super.sendRedirect(location, sc);
    }

    @Override
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        settle(SC_FOUND);
        super.sendRedirect(location, clearBuffer);
    }

    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        settle(sc);
        super.sendRedirect(location, sc, clearBuffer);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        ServletOutputStream out = super.getOutputStream();
        if (stream == null || stream.out != out) {
            stream = new CommitWatchingStream(out);
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        PrintWriter out = super.getWriter();
        if (writer == null || writer.out != out) {
            writer = new CommitWatchingWriter(out);
        }
        return writer;
    }

    private final class CommitWatchingStream extends ServletOutputStream {
        final ServletOutputStream out;

        CommitWatchingStream(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            beforeWrite(1);
            out.write(b);
            afterWrite();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeWrite(len);
            out.write(b, off, len);
            afterWrite();
        }

        @Override
        public void write(ByteBuffer buffer) throws IOException {
            beforeWrite(buffer.remaining());
            out.write(buffer);
            afterWrite();
        }

        @Override
        public void flush() throws IOException {
            settle();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            settle();
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }

    /** Every {@link PrintWriter} method ends in one of these. */
    private final class CommitWatchingWriter extends PrintWriter {
        final PrintWriter out;

        CommitWatchingWriter(PrintWriter out) {
            super(out);
            this.out = out;
        }

        @Override
        public void write(int c) {
            beforeWrite(1, MAX_BYTES_PER_CHAR, true);
            out.write(c);
            afterWrite();
        }

        @Override
        public void write(char[] buf, int off, int len) {
            beforeWrite(len, (long) len * MAX_BYTES_PER_CHAR, true);
            out.write(buf, off, len);
            afterWrite();
        }

        @Override
        public void write(String s, int off, int len) {
            beforeWrite(len, (long) len * MAX_BYTES_PER_CHAR, true);
            out.write(s, off, len);
            afterWrite();
        }

        @Override
        public void flush() {
            settle();
            out.flush();
        }

        @Override
        public void close() {
            settle();
            out.close();
        }

        @Override
        public boolean checkError() {
            return out.checkError();
        }
    }
}
