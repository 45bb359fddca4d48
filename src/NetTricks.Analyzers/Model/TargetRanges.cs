using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NetTricks.Analyzers.Model;

/// <summary>A closed interval of values a tensor can hold (infinite ends allowed).</summary>
internal readonly record struct ValueRange(double Low, double High)
{
    public static readonly ValueRange All = new(double.NegativeInfinity, double.PositiveInfinity);

    public bool Contains(ValueRange other) => other.Low >= Low && other.High <= High;

    public ValueRange Union(ValueRange other) => new(Math.Min(Low, other.Low), Math.Max(High, other.High));

    public override string ToString() => $"[{Format(Low)}, {Format(High)}]";

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : value.ToString("0.###", CultureInfo.InvariantCulture);
}

internal sealed partial class TrainingCodeModel
{
    /// <summary>
    /// The provable range of a target tensor, or null when nothing in the compilation shows it. Standardised
    /// values, <c>randn</c>, differences and negations are signed; <c>abs</c>, <c>relu</c>, <c>sigmoid</c>,
    /// <c>one_hot</c>, <c>rand</c>, <c>ones</c>/<c>zeros</c> and <c>clamp(min: 0)</c> are non-negative.
    /// </summary>
    public ValueRange? RangeOf(IOperation value, Trace trace)
    {
        value = Unwrap(value);
        if (!trace.Enter(value.Syntax))
            return null;
        try
        {
            return RangeOfCore(value, trace);
        }
        finally
        {
            trace.Exit(value.Syntax);
        }
    }

    private ValueRange? RangeOfCore(IOperation value, Trace trace)
    {
        if (value.ConstantValue is { HasValue: true, Value: { } constant } && constant is not string and not bool and not char)
        {
            var c = Convert.ToDouble(constant, CultureInfo.InvariantCulture);
            return new ValueRange(c, c);
        }

        switch (value)
        {
            case IInvocationOperation invocation when Symbols.IsTorchSharpType(invocation.TargetMethod.ContainingType):
                return RangeOfTorchCall(invocation, trace);
            case IBinaryOperation binary:
                return RangeOfBinary(binary.OperatorKind, binary.LeftOperand, binary.RightOperand, trace);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation:
                return RangeOf(negation.Operand, trace) is { } r ? new ValueRange(-r.High, -r.Low) : null;
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } when Symbols.IsTensor(indexed.Type):
                return RangeOf(indexed, trace);
            case IArrayCreationOperation { Initializer: { } initializer }:
                return RangeOfElements(initializer, trace);
        }

        var definitions = Definitions(value, trace.CancellationToken);
        if (IsOwnOrigin(value, definitions) || definitions.IsEmpty)
            return null;
        ValueRange? result = null;
        foreach (var definition in definitions)
        {
            if (RangeOf(definition, trace) is not { } range)
                return null;
            result = result is { } r ? r.Union(range) : range;
        }

        return result;
    }

    private ValueRange? RangeOfElements(IArrayInitializerOperation initializer, Trace trace)
    {
        ValueRange? result = null;
        foreach (var element in initializer.ElementValues)
        {
            var range = element is IArrayInitializerOperation nested ? RangeOfElements(nested, trace) : RangeOf(element, trace);
            if (range is null)
                return null;
            result = result is { } r ? r.Union(range.Value) : range;
        }

        return result;
    }

    private ValueRange? RangeOfTorchCall(IInvocationOperation invocation, Trace trace)
    {
        var method = invocation.TargetMethod;
        var input = invocation.Instance ?? invocation.Arguments.FirstOrDefault()?.Value;
        IOperation? Argument(int ordinal) => invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal + (invocation.Instance is null && method.Name is not ("tensor" or "from_array" or "as_tensor") ? 1 : 0))?.Value;
        ValueRange? OfInput() => input is not null && Symbols.IsTensor(input.Type) ? RangeOf(input, trace) : null;

        switch (method.Name)
        {
            case "randn" or "randn_like" or "normal" or "normal_" or "randn_out":
                return ValueRange.All;
            case "rand" or "rand_like" or "sigmoid" or "softmax" or "one_hot":
                return new ValueRange(0, 1);
            case "ones" or "ones_like":
                return new ValueRange(1, 1);
            case "zeros" or "zeros_like":
                return new ValueRange(0, 0);
            case "abs" or "relu" or "exp" or "square" or "sqrt":
                return new ValueRange(0, double.PositiveInfinity);
            case "tanh" or "sin" or "cos":
                return new ValueRange(-1, 1);
            case "neg" or "negative":
                return OfInput() is { } n ? new ValueRange(-n.High, -n.Low) : null;
            case "sub" or "subtract":
                return input is null ? null : RangeOfBinary(BinaryOperatorKind.Subtract, input, Argument(0), trace);
            case "clamp" or "clip" or "clamp_min":
                var low = NamedConstant(invocation, "min") ?? (method.Name == "clamp_min" ? NamedConstant(invocation, null) : null);
                var high = NamedConstant(invocation, "max");
                var inner = OfInput() ?? ValueRange.All;
                if (low is null && high is null)
                    return null;
                return new ValueRange(Math.Max(inner.Low, low ?? double.NegativeInfinity), Math.Min(inner.High, high ?? double.PositiveInfinity));
            case "tensor" or "from_array" or "as_tensor":
                var data = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
                return data is null ? null : RangeOf(data, trace);
            case "div" or "divide" or "true_divide":
                return input is null ? null : RangeOfBinary(BinaryOperatorKind.Divide, input, Argument(0), trace);
            default:
                return TorchVocabulary.ValuePreservingMethods.Contains(method.Name) ? OfInput() : null;
        }
    }

    private static double? NamedConstant(IInvocationOperation invocation, string? name)
    {
        foreach (var argument in invocation.Arguments)
        {
            if ((name is null ? argument.Parameter?.Ordinal == 1 : argument.Parameter?.Name == name) &&
                Unwrap(argument.Value).ConstantValue is { HasValue: true, Value: { } value } && value is not string and not bool)
                return Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }

        return null;
    }

    private ValueRange? RangeOfBinary(BinaryOperatorKind kind, IOperation left, IOperation? right, Trace trace)
    {
        if (right is null)
            return null;
        var l = RangeOf(left, trace);
        var r = RangeOf(right, trace);
        switch (kind)
        {
            case BinaryOperatorKind.Subtract:
                // A difference of things we cannot bound (y - mean, a - b) is signed.
                return l is { } a && r is { } b ? new ValueRange(a.Low - b.High, a.High - b.Low) : ValueRange.All;
            case BinaryOperatorKind.Add:
                return l is { } a2 && r is { } b2 ? new ValueRange(a2.Low + b2.Low, a2.High + b2.High) : null;
            case BinaryOperatorKind.Multiply:
                return Scale(l, r) ?? Scale(r, l);
            case BinaryOperatorKind.Divide:
                // Standardising a signed value ((y - mean) / std) keeps it signed and unbounded.
                if (l == ValueRange.All)
                    return ValueRange.All;
                return r is { Low: > 0 } divisor && divisor.Low == divisor.High && l is { } dividend
                    ? new ValueRange(dividend.Low / divisor.Low, dividend.High / divisor.Low)
                    : null;
            default:
                return null;
        }
    }

    private static ValueRange? Scale(ValueRange? range, ValueRange? factor)
    {
        if (range is not { } r || factor is not { } f || f.Low != f.High)
            return null;
        if (r == ValueRange.All)
            return f.Low == 0 ? new ValueRange(0, 0) : ValueRange.All;
        var a = r.Low * f.Low;
        var b = r.High * f.Low;
        return new ValueRange(Math.Min(a, b), Math.Max(a, b));
    }
}
