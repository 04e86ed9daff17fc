using System.Buffers;
using System.Buffers.Binary;
using Microsoft.AspNetCore.Http.Features;

namespace NexusTrade.Api.Streaming;

/// <summary>
/// The transport below a quote stream's WebSocket. While the session's writer has a batch open, the frames the
/// WebSocket writes (quotes, replies, and its own pings) are gathered in a pooled buffer and reach the connection in one
/// write when the batch ends: one flush and one <c>send()</c> for what one wake-up drains, instead of one per message.
/// Outside a batch every write goes straight through. The buffer is rented for the batch only, so an idle connection
/// holds none.
/// </summary>
public sealed class FrameBatchingStream(Stream inner) : Stream
{
    /// <summary>A batch larger than this is written out as it fills: bounds the buffer a batch rents.</summary>
    public const int MaxBatchBytes = 4 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _buffer;
    private int _count;
    private volatile bool _batching;

    public void BeginBatch() => _batching = true;

    /// <summary>
    /// Appends one whole message to the open batch as the unmasked, unfragmented text frame a server WebSocket writes
    /// for it (RFC 6455 5.2: FIN + opcode 1, then the payload length in 1, 3 or 9 bytes), so that the bytes shared by
    /// every subscriber are copied once per client without going through the WebSocket's send path. False (the caller
    /// sends through the WebSocket) when no batch is open, the batch is full, or the WebSocket is writing a frame of its own.
    /// </summary>
    public bool TryAppendTextFrame(ReadOnlySpan<byte> payload)
    {
        if (!_batching || !_gate.Wait(0)) return false;
        try
        {
            var header = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
            if (!_batching || _count + header + payload.Length > MaxBatchBytes) return false;
            var frame = (_buffer ??= ArrayPool<byte>.Shared.Rent(MaxBatchBytes)).AsSpan(_count, header + payload.Length);
            frame[0] = 0x81;
            switch (header)
            {
                case 2:
                    frame[1] = (byte)payload.Length;
                    break;
                case 4:
                    frame[1] = 126;
                    BinaryPrimitives.WriteUInt16BigEndian(frame[2..], (ushort)payload.Length);
                    break;
                default:
                    frame[1] = 127;
                    BinaryPrimitives.WriteUInt64BigEndian(frame[2..], (ulong)payload.Length);
                    break;
            }
            payload.CopyTo(frame[header..]);
            _count += frame.Length;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes what the batch gathered (if anything) and ends it.</summary>
    public async ValueTask EndBatchAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _batching = false;
            await WriteGatheredAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_batching)
            {
                if (_count + buffer.Length > MaxBatchBytes) await WriteGatheredAsync(cancellationToken);
                if (buffer.Length <= MaxBatchBytes)
                {
                    _buffer ??= ArrayPool<byte>.Shared.Rent(MaxBatchBytes);
                    buffer.Span.CopyTo(_buffer.AsSpan(_count));
                    _count += buffer.Length;
                    return;
                }
            }
            await inner.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask WriteGatheredAsync(CancellationToken cancellationToken)
    {
        if (_buffer is not { } gathered) return;
        try
        {
            if (_count > 0) await inner.WriteAsync(gathered.AsMemory(0, _count), cancellationToken);
        }
        finally
        {
            _count = 0;
            _buffer = null;
            ArrayPool<byte>.Shared.Return(gathered);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => _batching ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override void Flush() => FlushAsync().GetAwaiter().GetResult();

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// Wraps the connection's upgrade so that the WebSocket the middleware creates over it writes through a
/// <see cref="FrameBatchingStream"/>, which the session finds here once the upgrade is accepted.
/// </summary>
public sealed class FrameBatchingUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    public FrameBatchingStream? Stream { get; private set; }

    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync() => Stream = new FrameBatchingStream(await inner.UpgradeAsync());
}
