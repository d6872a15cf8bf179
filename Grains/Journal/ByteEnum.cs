using System.Runtime.CompilerServices;

namespace Exchange.Journal;

/// <summary>
/// Which byte values an enum stored as one byte may take: its declared values, or for a <c>[Flags]</c> enum any
/// combination of its declared bits. Built once per enum from its definition, so appending a value to an enum
/// makes it readable and writable without touching the codec.
/// </summary>
internal static class ByteEnum<T> where T : struct, Enum
{
    private static readonly bool[] Valid = Build();

    public static bool IsValid(byte value) => Valid[value];

    public static byte ToByte(T value) => Unsafe.BitCast<T, byte>(value);

    public static T FromByte(byte value) => Unsafe.BitCast<byte, T>(value);

    private static bool[] Build()
    {
        if (Enum.GetUnderlyingType(typeof(T)) != typeof(byte))
            throw new InvalidOperationException($"{typeof(T).Name} is not a byte enum");
        var valid = new bool[256];
        var allBits = 0;
        foreach (var value in Enum.GetValues<T>())
        {
            var b = ToByte(value);
            valid[b] = true;
            allBits |= b;
        }
        if (typeof(T).IsDefined(typeof(FlagsAttribute), inherit: false))
            for (var i = 0; i < valid.Length; i++) valid[i] = (i & ~allBits) == 0;
        return valid;
    }
}
