using System.Buffers;
using System.Text;

namespace Exchange.Journal;

/// <summary>
/// Appends bytes, LEB128 varints, zigzag varints and strings to a buffer rented from the shared pool. Call
/// <see cref="ToArray"/> for the result and <see cref="Dispose"/> (in a finally) to give the buffer back.
/// </summary>
internal ref struct VarintWriter
{
    /// <summary>The longest LEB128 encoding of a 64-bit value.</summary>
    public const int MaxVarintLength = 10;

    /// <summary>Strict UTF-8: a string with a lone surrogate cannot round-trip, so it is refused rather than altered.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _buffer;
    private int _position;

    public VarintWriter(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
        _position = 0;
    }

    public readonly int Length => _position;

    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    public void WriteByte(byte value)
    {
        if (_position == _buffer.Length) Grow(1);
        _buffer[_position++] = value;
    }

    /// <summary>Writes an enum stored as one byte; refuses a value the decoder would reject.</summary>
    public void WriteEnum<T>(T value) where T : struct, Enum
    {
        var b = ByteEnum<T>.ToByte(value);
        if (!ByteEnum<T>.IsValid(b))
            throw new ArgumentOutOfRangeException(nameof(value), b, $"{b} is not a {typeof(T).Name} value");
        WriteByte(b);
    }

    /// <summary>LEB128: seven bits per byte, least significant group first, high bit set on all but the last byte.</summary>
    public void WriteVarUInt64(ulong value)
    {
        if (_buffer.Length - _position < MaxVarintLength) Grow(MaxVarintLength);
        var buffer = _buffer;
        var position = _position;
        while (value >= 0x80)
        {
            buffer[position++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }
        buffer[position++] = (byte)value;
        _position = position;
    }

    /// <summary>Zigzag (0, -1, 1, -2, ... as 0, 1, 2, 3, ...) then LEB128, so small magnitudes of either sign are short.</summary>
    public void WriteVarInt64(long value) => WriteVarUInt64(ZigZag.Encode(value));

    /// <summary>
    /// Null as the single byte 0; otherwise varint (UTF-8 byte length + 1) then the UTF-8 bytes, so "" and null differ.
    /// </summary>
    public void WriteString(string? value)
    {
        if (value is null) { WriteByte(0); return; }
        var byteCount = StrictUtf8.GetByteCount(value);
        WriteVarUInt64((ulong)byteCount + 1);
        if (_buffer.Length - _position < byteCount) Grow(byteCount);
        _position += StrictUtf8.GetBytes(value, _buffer.AsSpan(_position));
    }

    public readonly byte[] ToArray() => WrittenSpan.ToArray();

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _position = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Grow(int needed)
    {
        var size = (int)Math.Min(Math.Max((long)_buffer.Length * 2, (long)_position + needed), Array.MaxLength);
        if (size - _position < needed) throw new InvalidOperationException("journal payload would exceed the largest array");
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _position).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}

/// <summary>Zigzag mapping of signed to unsigned integers: 0, -1, 1, -2, 2 ... become 0, 1, 2, 3, 4 ...</summary>
internal static class ZigZag
{
    public static ulong Encode(long value) => unchecked((ulong)((value << 1) ^ (value >> 63)));

    public static long Decode(ulong value) => unchecked((long)(value >> 1) ^ -(long)(value & 1));
}
