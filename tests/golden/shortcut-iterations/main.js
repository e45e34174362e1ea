export const options = {
  vus: 5,
  iterations: 50,
  duration: "2m",
};

export default function () {}
