using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FlawedPatterns;

public static class Program
{
    public static void Main()
    {
        torch.manual_seed(7);
        torch.set_num_threads(1);
        var (trainX, trainY) = Data(600);
        var (validX, validY) = Data(200);

        Baseline(validX, validY);

        var model = new NoisyClassifier();
        var optimizer = torch.optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 5);   // NT3008: never stepped, the rate never decays
        Tensor runningLoss = zeros(1);

        for (var epoch = 0; epoch < 15; epoch++)   // NT8001: no dispose scope per iteration
        {
            optimizer.step();   // NT3003: before backward(), so it applies the previous iteration's gradients
            optimizer.zero_grad();
            var batch = randperm(trainX.shape[0]).narrow(0, 0, 64);
            var logits = model.forward(trainX.index_select(0, batch));
            var logProbabilities = logits.softmax(1).log();   // NT1006: log(softmax) underflows; use log_softmax
            var loss = functional.nll_loss(logProbabilities, trainY.index_select(0, batch));
            loss.backward();
            runningLoss += loss;   // NT8002: keeps every step's autograd graph alive

            model.eval();   // NT5004: train() is never called again, the next epochs train in eval mode
            Console.WriteLine($"epoch {epoch,2}: loss {loss.item<float>():F4}, validation accuracy {Accuracy(model, validX, validY):F3}");
        }

        torch.no_grad();   // NT8004: the guard is discarded, gradients stay off for the rest of the thread
        var confidence = model.forward(validX).softmax(0);   // NT1007: normalises across the 200 samples, not the 3 classes
        Console.WriteLine($"mean running loss {runningLoss.item<float>() / 15:F4}, max 'confidence' {confidence.max().item<float>():F4}");
    }

    /// <summary>Accuracy of an untrained model, for reference.</summary>
    private static void Baseline(Tensor x, Tensor y)
    {
        var untrained = new NoisyClassifier();
        Console.WriteLine($"untrained accuracy {Accuracy(untrained, x, y):F3}");
    }

    private static double Accuracy(NoisyClassifier model, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var guard = no_grad();
        var predicted = model.forward(x).argmax(1);   // NT5003: evaluated with dropout on (no eval() here or before)
        return predicted.eq(y).to_type(ScalarType.Float32).mean().item<float>();
    }

    private static (Tensor X, Tensor Y) Data(int count)
    {
        var x = randn(count, 10);
        var y = (x.narrow(1, 0, 3) * tensor(new float[] { 2f, -1f, 1f })).argmax(1);
        return (x, y);
    }
}
