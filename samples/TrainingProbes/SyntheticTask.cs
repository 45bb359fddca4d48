using TorchSharp;
using static TorchSharp.torch;

namespace TrainingProbes;

/// <summary>
/// A small noisy regression task: 8 standardised features, of which 5 matter (a sine, an interaction, a square and
/// a linear term), Gaussian noise of standard deviation 0.3. Few training rows, so a wide MLP over-fits them within
/// a few hundred epochs: what early stopping is for.
/// </summary>
public sealed class SyntheticTask
{
    public const int Features = 8;

    private SyntheticTask(Tensor trainX, Tensor trainY, Tensor validationX, Tensor validationY, Tensor testX, Tensor testY)
    {
        TrainX = trainX;
        TrainY = trainY;
        ValidationX = validationX;
        ValidationY = validationY;
        TestX = testX;
        TestY = testY;
    }

    public Tensor TrainX { get; }
    public Tensor TrainY { get; }
    public Tensor ValidationX { get; }
    public Tensor ValidationY { get; }
    public Tensor TestX { get; }
    public Tensor TestY { get; }

    /// <summary>Same seed, same data (its own generator: independent of torch.manual_seed).</summary>
    public static SyntheticTask Create(ulong seed, int train = 192, int validation = 256, int test = 1024)
    {
        var generator = new Generator(seed);
        (Tensor X, Tensor Y) Draw(int count)
        {
            var x = randn(new long[] { count, Features }, generator: generator);
            var signal = (1.5 * x[.., 0]).sin() + 0.8 * x[.., 1] * x[.., 2] + 0.3 * x[.., 3].pow(2) - 0.7 * x[.., 4];
            var y = signal + 0.3 * randn(new long[] { count }, generator: generator);
            return (x, y.unsqueeze(1));
        }
        var (trainX, trainY) = Draw(train);
        var (validationX, validationY) = Draw(validation);
        var (testX, testY) = Draw(test);
        return new SyntheticTask(trainX, trainY, validationX, validationY, testX, testY);
    }
}
