package io.eraft.raft.client;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The network threads of one client's channels (epoll where the platform has it, as grpc's own
 * default). grpc's shared default threads outlive every channel by a second, and a JVM exiting
 * meanwhile waits about 0.3 s for them (Java 17 waits for threads in native calls): a one-shot
 * command owns its threads instead and stops them as it closes. Thread-safe.
 */
final class ClientEventLoops implements AutoCloseable {
  private static final long SHUTDOWN_WAIT_SECONDS = 5;

  private final EventLoopGroup group;
  private final Class<? extends Channel> channelType;

  ClientEventLoops() {
    int threads = Runtime.getRuntime().availableProcessors();
    if (Epoll.isAvailable()) {
      group = new EpollEventLoopGroup(threads);
      channelType = EpollSocketChannel.class;
    } else {
      group = new NioEventLoopGroup(threads);
      channelType = NioSocketChannel.class;
    }
  }

  NettyChannelBuilder use(NettyChannelBuilder builder) {
    return builder.eventLoopGroup(group).channelType(channelType);
  }

  /** Stops the threads at once; call after every channel on them terminated. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
