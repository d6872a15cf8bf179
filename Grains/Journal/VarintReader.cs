using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Exchange.Journal;

/// <summary>
/// Reads what <see cref="VarintWriter"/> wrote. Every read is bounds-checked and every malformed input (past the
/// end, a varint longer than ten bytes or not in its shortest form, invalid UTF-8, an enum value that does not
/// exist, a count larger than the bytes left could hold) throws <see cref="JournalFormatException"/>.
/// </summary>
internal ref struct VarintReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    // The last string read and its bytes: a client order id usually appears twice in a row (command, then the
    // accepted event), and the second read then returns the same instance instead of allocating again.
    private ReadOnlySpan<byte> _lastStringBytes;
    private string? _lastString;

    public VarintReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _lastStringBytes = default;
        _lastString = null;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte()
    {
        var position = _position;
        if ((uint)position >= (uint)_data.Length) ThrowTruncated();
        _position = position + 1;
        return _data[position];
    }

    public T ReadEnum<T>() where T : struct, Enum
    {
        var b = ReadByte();
        if (!ByteEnum<T>.IsValid(b))
            throw new JournalFormatException($"byte {_position - 1}: {b} is not a {typeof(T).Name} value");
        return ByteEnum<T>.FromByte(b);
    }

    public ulong ReadVarUInt64()
    {
        var position = _position;
        if ((uint)position < (uint)_data.Length)
        {
            var first = _data[position];
            if (first < 0x80)
            {
                _position = position + 1;
                return first;
            }
        }
        return ReadVarUInt64Slow();
    }

    public long ReadVarInt64() => ZigZag.Decode(ReadVarUInt64());

    /// <summary>
    /// A count of items that each take at least <paramref name="minBytesPerItem"/> bytes: a count the rest of the
    /// payload cannot hold is corrupt, and is refused before anything is allocated for it.
    /// </summary>
    public int ReadCount(int minBytesPerItem)
    {
        var start = _position;
        var count = ReadVarUInt64();
        if (count > (ulong)(Remaining / minBytesPerItem))
            throw new JournalFormatException($"byte {start}: a count of {count} does not fit in the {Remaining} bytes left");
        return (int)count;
    }

    /// <summary>Reads what <see cref="VarintWriter.WriteString"/> wrote: 0 for null, else UTF-8 length + 1 and the bytes.</summary>
    public string? ReadString()
    {
        var start = _position;
        var header = ReadVarUInt64();
        if (header == 0) return null;
        var length = header - 1;
        if (length > (ulong)Remaining)
            throw new JournalFormatException($"byte {start}: a string of {length} bytes runs past the end of the payload");
        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        if (_lastString is not null && bytes.SequenceEqual(_lastStringBytes)) return _lastString;
        string value;
        try
        {
            value = VarintWriter.StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new JournalFormatException($"byte {start}: a string is not valid UTF-8", ex);
        }
        _lastStringBytes = bytes;
        _lastString = value;
        return value;
    }

    /// <summary>Throws unless every byte was read: trailing bytes mean the payload is not what it claims to be.</summary>
    public readonly void EnsureEnd()
    {
        if (_position != _data.Length)
            throw new JournalFormatException($"byte {_position}: {Remaining} bytes left over after the last item");
    }

    private ulong ReadVarUInt64Slow()
    {
        var start = _position;
        var position = start;
        ulong result = 0;
        for (var i = 0; ; i++)
        {
            if ((uint)position >= (uint)_data.Length) ThrowTruncated();
            var b = _data[position++];
            // The tenth byte holds only the top bit of a 64-bit value (and must end the varint).
            if (i == VarintWriter.MaxVarintLength - 1 && b > 1)
                throw new JournalFormatException($"byte {start}: a varint is longer than 64 bits");
            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                if (b == 0 && i > 0)
                    throw new JournalFormatException($"byte {start}: a varint is not in its shortest form");
                _position = position;
                return result;
            }
        }
    }

    [DoesNotReturn]
    private readonly void ThrowTruncated() =>
        throw new JournalFormatException($"the payload ends early: {_data.Length} bytes, more needed at byte {_position}");
}
