/** A valid `.unas` document of about `lines` lines: searches and models with unique names. */
export function generateDocument(lines: number): string {
  const parts: string[] = [];
  let n = 0;
  let i = 0;
  while (n < lines) {
    const search = `search s${i} {
  dataset mnist { validation 10% }
  constraints {
    ram <= ${4 + (i % 8)} KB
    flash <= ${16 + (i % 16)} KB
    macs <= 2 M soft
  }
  objectives error, ram, flash, macs
  space {
    blocks 1..${2 + (i % 4)} {
      layers 1..3 {
        op conv2d | conv1x1 | dwconv2d
        kernel 3 | 5
        stride 1 | 2
        channels 4..${16 + i}
        prepool none 75% | max 2
        activation relu 90% | none
      }
      branch 25%
    }
    pool none | avg 2 | max 2
    dense 0..2 { units 10..64 }
  }
  strategy evolution { population 20  sample 5  rounds 100  seed ${i} }
  train { epochs 3  batch 128  optimizer adam  lr 0.001 }
  baseline m${i}
}
model m${i} {
  input 28x28x1
  conv2d ${4 + (i % 12)} k3 s2 relu
  dwconv2d k3 relu
  conv1x1 16 bn relu
  add {
    path { conv2d 16 k3 same relu }
    path { }
  }
  maxpool 2
  conv2d 16 k3 relu
  gap
  dense 10
  softmax
}
`;
    parts.push(search);
    n += search.split('\n').length - 1;
    i++;
  }
  return parts.join('\n');
}
