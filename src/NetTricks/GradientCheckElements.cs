using System;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NetTricks;

// Reads and writes single elements of a float64 tensor by linear (row-major) index, in place, without autograd.
// CPU contiguous tensors go through a raw accessor (no tensor per access); others through indexing under no_grad.
internal sealed class GradientCheckElements : IDisposable
{
    private readonly Tensor tensor;
    private readonly long[] shape;
    private readonly Tensor? flat;
    private readonly TensorAccessor<double>? accessor;

    internal GradientCheckElements(Tensor tensor)
    {
        this.tensor = tensor;
        shape = tensor.shape;
        if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous())
        {
            using var noGrad = torch.no_grad();
            flat = tensor.view(-1);
            accessor = flat.data<double>();
        }
    }

    internal double this[long index]
    {
        get
        {
            if (accessor is not null)
            {
                return accessor[index];
            }
            using var noGrad = torch.no_grad();
            using var element = tensor[Indices(index)];
            return element.ToDouble();
        }
        set
        {
            if (accessor is not null)
            {
                accessor[index] = value;
                return;
            }
            using var noGrad = torch.no_grad();
            tensor.index_put_(value, Indices(index));
        }
    }

    public void Dispose()
    {
        accessor?.Dispose();
        flat?.Dispose();
    }

    private TensorIndex[] Indices(long index)
    {
        var position = GradientCheckElements.Unravel(index, shape);
        var indices = new TensorIndex[position.Length];
        for (int i = 0; i < position.Length; i++)
        {
            indices[i] = TensorIndex.Single(position[i]);
        }
        return indices;
    }

    // The multi-dimensional index of a row-major linear index.
    internal static long[] Unravel(long index, long[] shape)
    {
        var position = new long[shape.Length];
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            long size = shape[i];
            position[i] = size == 0 ? 0 : index % size;
            index = size == 0 ? 0 : index / size;
        }
        return position;
    }
}
