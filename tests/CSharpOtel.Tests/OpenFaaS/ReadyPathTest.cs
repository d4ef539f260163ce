using CSharpOtel.Tests.Infrastructure;
using FunctionHost.OpenFaaS;

namespace CSharpOtel.Tests.OpenFaaS;

public class ReadyPathTest
{
    [Fact]
    public void Dockerfile_PointsTheWatchdogsReadyPathAtTheHostsReadinessProbe()
        => Assert.Equal(Probes.ReadyPath, TemplateFiles.ReadDockerfileEnv(RepositoryPaths.Template)["ready_path"]);
}
