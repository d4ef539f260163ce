using FunctionHost.Telemetry.Export;

namespace CSharpOtel.Tests.Telemetry.Export;

public sealed class OtlpItemCounterTest
{
    [Fact]
    public void Count_CountsItemsAcrossResourcesAndScopes_IgnoringOtherFields()
    {
        var span = Field(1, [1, 2, 3]); // trace_id only: its content does not matter
        var scopeA = Concat(Field(1, [0x0A, 0x01, 0x41]), Field(2, span), Field(2, span), Field(3, "schema"u8.ToArray()));
        var scopeB = Field(2, span);
        var resource1 = Concat(Field(1, [0x0A, 0x00]), Field(2, scopeA), Field(2, scopeB));
        var resource2 = Field(2, Concat(Field(2, span), Field(2, span), Field(2, span)));
        var request = Concat(Field(1, resource1), Field(1, resource2));

        Assert.Equal(6, OtlpItemCounter.Count(request));
        Assert.Equal(0, OtlpItemCounter.Count([]));
    }

    [Fact]
    public void Count_TruncatedMessage_IsMinusOne()
    {
        var request = Field(1, Field(2, Field(2, [0x0A, 0x01, 0x41])));
        Assert.Equal(-1, OtlpItemCounter.Count(request.AsSpan(0, request.Length - 1)));
    }

    [Fact]
    public void RetryDelay_ReadsRetryInfoFromGrpcStatusDetails()
    {
        var details = Convert.ToBase64String(Infrastructure.CountingOtlpReceiver.RetryInfoStatus(8, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(7), GrpcStatus.RetryDelay(details.TrimEnd('=')));
        Assert.Null(GrpcStatus.RetryDelay("not base64!"));
    }

    private static byte[] Field(int number, byte[] payload) => [(byte)((number << 3) | 2), (byte)payload.Length, .. payload];

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
