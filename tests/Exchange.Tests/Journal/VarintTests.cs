using CsCheck;
using Exchange.Journal;

namespace Exchange.Tests.Journal;

public sealed class VarintTests
{
    private static byte[] WriteUInt64(ulong value)
    {
        var w = new VarintWriter(0);
        try
        {
            w.WriteVarUInt64(value);
            return w.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    private static byte[] WriteInt64(long value)
    {
        var w = new VarintWriter(0);
        try
        {
            w.WriteVarInt64(value);
            return w.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    private static ulong ReadUInt64(byte[] bytes)
    {
        var r = new VarintReader(bytes);
        var value = r.ReadVarUInt64();
        r.EnsureEnd();
        return value;
    }

    private static long ReadInt64(byte[] bytes)
    {
        var r = new VarintReader(bytes);
        var value = r.ReadVarInt64();
        r.EnsureEnd();
        return value;
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(1UL, 1)]
    [InlineData(127UL, 1)]
    [InlineData(128UL, 2)]
    [InlineData(16_383UL, 2)]
    [InlineData(16_384UL, 3)]
    [InlineData(ulong.MaxValue >> 1, 9)]
    [InlineData(ulong.MaxValue, 10)]
    public void Unsigned_varints_have_the_LEB128_length(ulong value, int length)
    {
        var bytes = WriteUInt64(value);
        Assert.Equal(length, bytes.Length);
        Assert.Equal(value, ReadUInt64(bytes));
    }

    [Fact]
    public void Unsigned_varints_are_little_endian_groups_of_seven_bits() =>
        Assert.Equal(new byte[] { 0xAC, 0x02 }, WriteUInt64(300));

    [Theory]
    [InlineData(0L, 0UL)]
    [InlineData(-1L, 1UL)]
    [InlineData(1L, 2UL)]
    [InlineData(-2L, 3UL)]
    [InlineData(long.MaxValue, ulong.MaxValue - 1)]
    [InlineData(long.MinValue, ulong.MaxValue)]
    public void Zigzag_interleaves_signs(long value, ulong encoded)
    {
        Assert.Equal(encoded, ZigZag.Encode(value));
        Assert.Equal(value, ZigZag.Decode(encoded));
    }

    [Fact]
    public void Every_unsigned_value_round_trips() =>
        Gen.ULong.Sample(value => Assert.Equal(value, ReadUInt64(WriteUInt64(value))), iter: 5_000);

    [Fact]
    public void Every_signed_value_round_trips() =>
        JournalGen.AnyLong.Sample(value => Assert.Equal(value, ReadInt64(WriteInt64(value))), iter: 5_000);

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]
    public void A_truncated_varint_throws(byte[] bytes) =>
        Assert.Throws<JournalFormatException>(() => ReadUInt64(bytes));

    [Fact]
    public void A_varint_longer_than_64_bits_throws()
    {
        // Ten bytes whose last carries more than the top bit, and an endless run of continuation bytes.
        Assert.Throws<JournalFormatException>(() => ReadUInt64([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]));
        Assert.Throws<JournalFormatException>(() => ReadUInt64([.. Enumerable.Repeat((byte)0x80, 1_000), 0x01]));
    }

    [Fact]
    public void A_varint_not_in_its_shortest_form_throws()
    {
        Assert.Throws<JournalFormatException>(() => ReadUInt64([0x80, 0x00]));
        Assert.Throws<JournalFormatException>(() => ReadUInt64([0xFF, 0x80, 0x00]));
    }

    [Fact]
    public void A_count_larger_than_the_remaining_bytes_can_hold_throws()
    {
        Assert.Throws<JournalFormatException>(() => new VarintReader([0x03, 0, 0, 0, 0, 0]).ReadCount(minBytesPerItem: 3));
        Assert.Equal(2, new VarintReader([0x02, 0, 0, 0, 0, 0]).ReadCount(minBytesPerItem: 2));
        Assert.Throws<JournalFormatException>(() => new VarintReader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).ReadCount(1));
    }

    [Fact]
    public void Strings_distinguish_null_from_empty_and_keep_non_ASCII()
    {
        foreach (var value in new[] { null, "", "a", "ordre-é", "注文", "🚀x" })
        {
            var w = new VarintWriter(0);
            byte[] bytes;
            try
            {
                w.WriteString(value);
                bytes = w.ToArray();
            }
            finally
            {
                w.Dispose();
            }
            var r = new VarintReader(bytes);
            Assert.Equal(value, r.ReadString());
            r.EnsureEnd();
        }
    }

    [Fact]
    public void Invalid_UTF8_throws()
    {
        Assert.Throws<JournalFormatException>(() => new VarintReader([0x03, 0xC3, 0x28]).ReadString());
        Assert.Throws<JournalFormatException>(() => new VarintReader([0x05, (byte)'a']).ReadString());
    }

    [Fact]
    public void A_lone_surrogate_is_refused_when_writing()
    {
        var w = new VarintWriter(0);
        try
        {
            var threw = false;
            try { w.WriteString("a\uD800b"); }
            catch (ArgumentException) { threw = true; }
            Assert.True(threw);
        }
        finally
        {
            w.Dispose();
        }
    }

    [Fact]
    public void The_writer_grows_past_its_initial_buffer()
    {
        var w = new VarintWriter(0);
        try
        {
            for (var i = 0; i < 100_000; i++) w.WriteVarInt64(i * 7919L);
            var bytes = w.ToArray();
            var r = new VarintReader(bytes);
            for (var i = 0; i < 100_000; i++) Assert.Equal(i * 7919L, r.ReadVarInt64());
            r.EnsureEnd();
        }
        finally
        {
            w.Dispose();
        }
    }
}
