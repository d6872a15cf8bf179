using System.Collections.Frozen;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Journal;

// The journal form of commands: one layout per command, in the shape of the event layouts. Adding a command is one
// entry in CommandLayouts (its kind byte, its type, the version it is first written in, and its fields in the order
// of the format grammar on JournalCodec) plus its tests.
public static partial class JournalCodec
{
    private enum CommandKind : byte
    {
        Place = 1, Cancel, Amend, CancelAll, SetMode, Uncross, SetMark, SetRisk, ApplyIndex, SetBreaker,
        // Conditional orders' from 20.
        PlaceConditional = 20, CancelConditional = 21,
        // The liquidation engine's commands are numbered from 40 so that commands added beside them keep their own range.
        SetLiquidation = 40, TransferPosition, ChargeLiquidationFee, ApplyFunding,
        // The circuit breaker's from 30.
        Reopen = 30,
        // Open-interest limits' from 60.
        SetOpenInterest = 60,
    }

    /// <summary>Writes the fields of one command, after its kind byte; the command is of the layout's type.</summary>
    private delegate void CommandFieldsWriter(ref VarintWriter w, MarketCommand command, byte version);

    /// <summary>Reads the fields of one command, after its kind byte.</summary>
    private delegate MarketCommand CommandFieldsReader(ref VarintReader r, byte version);

    /// <summary>
    /// How one command is journaled: like <see cref="EventLayout"/>, with the command's type (commands are sealed
    /// records, so the type names the layout). <see cref="NeedsVersion"/>, when set, raises the version for a
    /// command whose values an older layout cannot hold (an amend's expected open size).
    /// </summary>
    private sealed record CommandLayout(CommandKind Kind, Type Type, byte Since, CommandFieldsWriter Write, CommandFieldsReader Read)
    {
        /// <summary>The oldest version whose payloads may hold the command; <see cref="Since"/> unless set.</summary>
        public byte ReadableSince { get; init; } = Since;

        /// <summary>The version this particular command needs, if its values decide it.</summary>
        public Func<MarketCommand, byte>? NeedsVersion { get; init; }

        public byte VersionOf(MarketCommand command) => NeedsVersion is { } needs ? Math.Max(Since, needs(command)) : Since;
    }

    /// <summary>Every command's layout, indexed by its kind byte (checked once, when the codec is first used).</summary>
    private static readonly CommandLayout?[] CommandLayouts = IndexCommandLayouts(
    [
        // A liquidation order's flag exists from version 4.
        new(CommandKind.Place, typeof(PlaceCommand), Since: 1,
            static (ref VarintWriter w, MarketCommand command, byte version) => WriteOrder(ref w, ((PlaceCommand)command).Order),
            static (ref VarintReader r, byte version) => new PlaceCommand(ReadOrder(ref r)))
        {
            NeedsVersion = static command => (((PlaceCommand)command).Order.Flags & OrderFlags.Liquidation) != 0 ? (byte)4 : (byte)1,
        },

        new(CommandKind.Cancel, typeof(CancelCommand), Since: 1,
            static (ref VarintWriter w, MarketCommand command, byte version) =>
            {
                var c = ((CancelCommand)command).Cancel;
                w.WriteVarInt64(c.AccountId);
                w.WriteVarInt64(c.OrderId);
                w.WriteString(c.ClientOrderId);
            },
            static (ref VarintReader r, byte version) =>
            {
                var accountId = r.ReadVarInt64();
                var orderId = r.ReadVarInt64();
                var clientOrderId = r.ReadString();
                return new CancelCommand(new CancelOrder(accountId, orderId, clientOrderId));
            }),

        // The expected open size (a compare-and-set) exists from version 3; an amend without one is written as before.
        new(CommandKind.Amend, typeof(AmendCommand), Since: 1,
            static (ref VarintWriter w, MarketCommand command, byte version) =>
            {
                var a = ((AmendCommand)command).Amend;
                w.WriteVarInt64(a.AccountId);
                w.WriteVarInt64(a.OrderId);
                w.WriteString(a.ClientOrderId);
                w.WriteVarInt64(a.NewPrice);
                w.WriteVarInt64(a.NewSize);
                if (version >= 3) w.WriteVarInt64(a.ExpectedRemaining);
            },
            static (ref VarintReader r, byte version) =>
            {
                var accountId = r.ReadVarInt64();
                var orderId = r.ReadVarInt64();
                var clientOrderId = r.ReadString();
                var newPrice = r.ReadVarInt64();
                var newSize = r.ReadVarInt64();
                return new AmendCommand(new AmendOrder(accountId, orderId, clientOrderId, newPrice, newSize,
                    version >= 3 ? r.ReadVarInt64() : 0));
            })
        {
            NeedsVersion = static command => ((AmendCommand)command).Amend.ExpectedRemaining != 0 ? (byte)3 : (byte)1,
        },

        new(CommandKind.CancelAll, typeof(CancelAllCommand), Since: 1,
            static (ref VarintWriter w, MarketCommand command, byte version) => w.WriteVarInt64(((CancelAllCommand)command).AccountId),
            static (ref VarintReader r, byte version) => new CancelAllCommand(r.ReadVarInt64())),

        // Version 1 has no cause: its mode changes read back as the operator's, without a reason.
        new(CommandKind.SetMode, typeof(SetModeCommand), Since: 2,
            static (ref VarintWriter w, MarketCommand command, byte version) =>
            {
                var c = (SetModeCommand)command;
                w.WriteEnum(c.Mode);
                if (version >= 2) WriteCause(ref w, c.Cause);
            },
            static (ref VarintReader r, byte version) =>
            {
                var mode = r.ReadEnum<MarketMode>();
                return version == 1 ? new SetModeCommand(mode) : new SetModeCommand(mode, ReadCause(ref r));
            })
        {
            ReadableSince = 1,
        },

        new(CommandKind.Uncross, typeof(UncrossCommand), Since: 1,
            static (ref VarintWriter w, MarketCommand command, byte version) => w.WriteVarInt64(((UncrossCommand)command).ReferencePrice),
            static (ref VarintReader r, byte version) => new UncrossCommand(r.ReadVarInt64())),

        new(CommandKind.SetMark, typeof(SetMarkPriceCommand), Since: 2,
            static (ref VarintWriter w, MarketCommand command, byte version) => w.WriteVarInt64(((SetMarkPriceCommand)command).Price),
            static (ref VarintReader r, byte version) => new SetMarkPriceCommand(r.ReadVarInt64())),

        new(CommandKind.SetRisk, typeof(SetRiskCommand), Since: 2,
            static (ref VarintWriter w, MarketCommand command, byte version) => WriteRisk(ref w,
                ((SetRiskCommand)command).Risk ?? throw new ArgumentException("a risk command has no risk", nameof(command))),
            static (ref VarintReader r, byte version) => new SetRiskCommand(ReadRisk(ref r))),

        new(CommandKind.ApplyIndex, typeof(ApplyIndexCommand), Since: 3,
            static (ref VarintWriter w, MarketCommand command, byte version) => WriteTick(ref w, ((ApplyIndexCommand)command).Tick),
            static (ref VarintReader r, byte version) => new ApplyIndexCommand(ReadTick(ref r))),

        new(CommandKind.SetBreaker, typeof(SetBreakerRulesCommand), Since: 3,
            static (ref VarintWriter w, MarketCommand command, byte version) => WriteBreaker(ref w,
                ((SetBreakerRulesCommand)command).Rules ?? throw new ArgumentException("a breaker command has no rules", nameof(command))),
            static (ref VarintReader r, byte version) => new SetBreakerRulesCommand(ReadBreaker(ref r))),

        new(CommandKind.SetLiquidation, typeof(SetLiquidationRulesCommand), Since: 4,
            static (ref VarintWriter w, MarketCommand command, byte version) => WriteLiquidation(ref w,
                ((SetLiquidationRulesCommand)command).Rules ?? throw new ArgumentException("a liquidation command has no rules", nameof(command))),
            static (ref VarintReader r, byte version) => new SetLiquidationRulesCommand(ReadLiquidation(ref r))),

        new(CommandKind.SetOpenInterest, typeof(SetOpenInterestLimitsCommand), Since: 5,
            static (ref VarintWriter w, MarketCommand command, byte version) => WriteOpenInterest(ref w,
                ((SetOpenInterestLimitsCommand)command).Limits ?? throw new ArgumentException("an open-interest command has no limits", nameof(command))),
            static (ref VarintReader r, byte version) => new SetOpenInterestLimitsCommand(ReadOpenInterest(ref r))),

        new(CommandKind.TransferPosition, typeof(TransferPositionCommand), Since: 4,
            static (ref VarintWriter w, MarketCommand command, byte version) =>
            {
                var t = ((TransferPositionCommand)command).Transfer;
                w.WriteEnum(t.Kind);
                w.WriteVarInt64(t.AccountId);
                w.WriteVarInt64(t.CounterpartyId);
                w.WriteEnum(t.Side);
                w.WriteVarInt64(t.Price);
                w.WriteVarInt64(t.Size);
            },
            static (ref VarintReader r, byte version) =>
            {
                var kind = r.ReadEnum<Risk.PositionTransferKind>();
                var accountId = r.ReadVarInt64();
                var counterpartyId = r.ReadVarInt64();
                var side = r.ReadEnum<Side>();
                var price = r.ReadVarInt64();
                return new TransferPositionCommand(new Risk.PositionTransfer(kind, accountId, counterpartyId, side, price, r.ReadVarInt64()));
            }),

        new(CommandKind.ChargeLiquidationFee, typeof(ChargeLiquidationFeeCommand), Since: 4,
            static (ref VarintWriter w, MarketCommand command, byte version) =>
            {
                var c = (ChargeLiquidationFeeCommand)command;
                w.WriteVarInt64(c.AccountId);
                w.WriteVarInt64(c.Amount);
            },
            static (ref VarintReader r, byte version) =>
            {
                var accountId = r.ReadVarInt64();
                return new ChargeLiquidationFeeCommand(accountId, r.ReadVarInt64());
            }),

        new(CommandKind.ApplyFunding, typeof(ApplyFundingCommand), Since: 4,
            static (ref VarintWriter w, MarketCommand command, byte version) =>
            {
                var c = (ApplyFundingCommand)command;
                w.WriteVarInt64(c.PeriodEnd);
                w.WriteVarInt64(c.IntervalMs);
            },
            static (ref VarintReader r, byte version) =>
            {
                var periodEnd = r.ReadVarInt64();
                return new ApplyFundingCommand(periodEnd, r.ReadVarInt64());
            }),

        new(CommandKind.Reopen, typeof(ReopenCommand), Since: 4,
            static (ref VarintWriter w, MarketCommand command, byte version) =>
            {
                var c = (ReopenCommand)command;
                w.WriteVarInt64(c.ReferencePrice);
                WriteCause(ref w, c.Cause);
            },
            static (ref VarintReader r, byte version) =>
            {
                var reference = r.ReadVarInt64();
                return new ReopenCommand(reference, ReadCause(ref r));
            }),

        new(CommandKind.PlaceConditional, typeof(PlaceConditionalCommand), Since: 4,
            static (ref VarintWriter w, MarketCommand command, byte version) => WriteConditionalTerms(ref w, ((PlaceConditionalCommand)command).Terms),
            static (ref VarintReader r, byte version) => new PlaceConditionalCommand(ReadConditionalTerms(ref r))),

        new(CommandKind.CancelConditional, typeof(CancelConditionalCommand), Since: 4,
            static (ref VarintWriter w, MarketCommand command, byte version) =>
            {
                var c = (CancelConditionalCommand)command;
                w.WriteVarInt64(c.AccountId);
                w.WriteVarInt64(c.ConditionalId);
                w.WriteString(c.ClientOrderId);
            },
            static (ref VarintReader r, byte version) =>
            {
                var accountId = r.ReadVarInt64();
                var id = r.ReadVarInt64();
                return new CancelConditionalCommand(accountId, id, r.ReadString());
            }),
    ]);

    /// <summary>The same layouts by command type, for writing.</summary>
    private static readonly FrozenDictionary<Type, CommandLayout> CommandLayoutsByType =
        CommandLayouts.OfType<CommandLayout>().ToFrozenDictionary(layout => layout.Type);

    private static CommandLayout? CommandLayoutOf(MarketCommand command) =>
        CommandLayoutsByType.GetValueOrDefault(command.GetType());

    private static void WriteCommand(ref VarintWriter w, MarketCommand command, byte version)
    {
        var layout = (command is null ? null : CommandLayoutOf(command))
            ?? throw new ArgumentException($"the journal cannot store a {command?.GetType().Name ?? "null"} command", nameof(command));
        w.WriteByte((byte)layout.Kind);
        layout.Write(ref w, command!, version);
    }

    private static MarketCommand ReadCommand(ref VarintReader r, byte version)
    {
        var start = r.Position;
        var kind = r.ReadByte();
        if (kind >= CommandLayouts.Length || CommandLayouts[kind] is not { } layout || version < layout.ReadableSince)
            throw new JournalFormatException($"byte {start}: unknown command kind {kind}");
        return layout.Read(ref r, version);
    }

    private static CommandLayout?[] IndexCommandLayouts(CommandLayout[] layouts)
    {
        var kinds = Enum.GetValues<CommandKind>();
        var table = new CommandLayout?[kinds.Max(k => (byte)k) + 1];
        var types = new HashSet<Type>();
        foreach (var layout in layouts)
        {
            if (layout.Since is < 1 or > FormatVersion || layout.ReadableSince < 1 || layout.ReadableSince > layout.Since)
                throw new InvalidOperationException($"the {layout.Kind} command layout has a format version this build does not write");
            if (!layout.Type.IsSealed || !layout.Type.IsSubclassOf(typeof(MarketCommand)) || !types.Add(layout.Type))
                throw new InvalidOperationException($"the {layout.Kind} command layout needs a sealed command type of its own");
            ref var slot = ref table[(byte)layout.Kind];
            if (slot is not null) throw new InvalidOperationException($"two journal layouts for the {layout.Kind} command");
            slot = layout;
        }
        foreach (var kind in kinds)
            if (table[(byte)kind] is null) throw new InvalidOperationException($"no journal layout for the {kind} command");
        return table;
    }

    /// <summary>A conditional order's terms: b kind, b source, z triggerPrice, z callbackBps, then the order (as a place command).</summary>
    private static void WriteConditionalTerms(ref VarintWriter w, in ConditionalTerms terms)
    {
        w.WriteEnum(terms.Kind);
        w.WriteEnum(terms.Source);
        w.WriteVarInt64(terms.TriggerPrice);
        w.WriteVarInt64(terms.CallbackBps);
        WriteOrder(ref w, terms.Order);
    }

    private static ConditionalTerms ReadConditionalTerms(ref VarintReader r)
    {
        var kind = r.ReadEnum<TriggerKind>();
        var source = r.ReadEnum<TriggerSource>();
        var trigger = r.ReadVarInt64();
        var start = r.Position;
        var callback = r.ReadVarInt64();
        if (callback is < 0 or > int.MaxValue) throw new JournalFormatException($"byte {start}: {callback} is not a callback in bps");
        return new ConditionalTerms(kind, source, trigger, (int)callback, ReadOrder(ref r));
    }
}
